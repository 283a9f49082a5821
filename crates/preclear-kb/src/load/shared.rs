//! `kb.toml`, `hs/categories.toml` and `shared/documents.toml`: the files every KB shares.

use super::*;

impl FileReader<'_, '_, '_> {
    pub(super) fn kb_manifest(&mut self, root: &DeTable<'_>, span: Range<usize>) {
        let table = TableReader::new(&mut self.ctx, root, span, "kb.toml", &[&["name", "edition"]]);
        if let (Some(name), Some(edition)) =
            (table.str(&mut self.ctx, "name"), table.str(&mut self.ctx, "edition"))
        {
            self.loader.name = name.to_owned();
            self.loader.edition = edition.to_owned();
        }
    }

    pub(super) fn categories_file(&mut self, root: &DeTable<'_>, span: Range<usize>) {
        let table = TableReader::new(
            &mut self.ctx,
            root,
            span,
            "hs/categories.toml",
            &[&["sources", "category", "vocabulary"]],
        );
        self.sources(&table);
        self.vocabulary(&table);
        let Some(entry) = table.get("category") else { return };
        for (rule, span) in tables(&mut self.ctx, entry) {
            let rule = TableReader::new(
                &mut self.ctx,
                rule,
                span,
                "category",
                &[&["id", "default_hs", "expected_hs"], FACT_KEYS],
            );
            let category = rule.parsed(&mut self.ctx, "id", Category::parse);
            let nomenclature = self.loader.nomenclature;
            let default_hs = rule.parsed(&mut self.ctx, "default_hs", |text| {
                let code = HsCode::parse(text).map_err(|err| err.to_string())?;
                if !nomenclature.is_empty() && !nomenclature.contains(&code) {
                    return Err(format!("`{text}` does not exist in the HS 2022 nomenclature"));
                }
                Ok(code)
            });
            let expected_hs =
                rule.list(&mut self.ctx, "expected_hs", |text| self_hs_prefix(nomenclature, text));
            let provenance = self.provenance(&rule);
            if let (Some(category), Some(default_hs), Some(expected_hs), Some(provenance)) =
                (category, default_hs, expected_hs, provenance)
            {
                if self.loader.categories.contains_key(&category) {
                    self.ctx.error(&rule.span, format!("category `{category}` is defined twice"));
                    continue;
                }
                self.loader.categories.insert(
                    category,
                    CategoryRule { category, default_hs, expected_hs, provenance },
                );
            }
        }
    }

    /// `[[vocabulary]]`: the words that name a category in descriptions, tried in order.
    fn vocabulary(&mut self, table: &TableReader<'_, '_>) {
        let entries = self.each(
            table,
            "vocabulary",
            &[&["id", "category", "terms", "with"], FACT_KEYS],
            |this, rule| {
                let id = this.rule_id(rule);
                let category = rule.parsed(&mut this.ctx, "category", Category::parse);
                let with = rule.opt_parsed(&mut this.ctx, "with", Category::parse);
                let terms = rule.list(&mut this.ctx, "terms", |text| {
                    preclear_domain::CategoryVocabulary::term(text)
                        .ok_or_else(|| format!("`{text}` has no letters or digits to match"))
                });
                let provenance = this.provenance(rule);
                let (Some(id), Some(category), Some(with), Some(terms), Some(provenance)) =
                    (id, category, with, terms, provenance)
                else {
                    return None;
                };
                if with == Some(category) {
                    this.ctx.error(
                        &rule.span,
                        format!("vocabulary `{id}` names its own category in `with`"),
                    );
                    return None;
                }
                let (mut words, mut phrases) = (Vec::new(), Vec::new());
                for mut term in terms {
                    if term.len() == 1 {
                        words.append(&mut term);
                    } else {
                        phrases.push(term);
                    }
                }
                Some((
                    preclear_domain::CategoryTerms {
                        id: id.to_string(),
                        category,
                        words,
                        phrases,
                        with,
                    },
                    provenance,
                ))
            },
        );
        self.loader.vocabulary.extend(entries);
    }

    pub(super) fn documents_file(&mut self, root: &DeTable<'_>, span: Range<usize>) {
        let table = TableReader::new(
            &mut self.ctx,
            root,
            span,
            "shared/documents.toml",
            &[&["sources", "document"]],
        );
        self.sources(&table);
        let documents = self.documents(&table);
        self.loader.shared_documents.extend(documents);
    }

    pub(super) fn documents(&mut self, table: &TableReader<'_, '_>) -> Vec<DocumentRule> {
        self.each(
            table,
            "document",
            &[&["id", "name", "when", "unless"], FACT_KEYS],
            |this, rule| {
                let id = this.rule_id(rule);
                let name = rule.str(&mut this.ctx, "name");
                let when = this.conditions(rule, "when");
                let unless = this.conditions(rule, "unless");
                let provenance = this.provenance(rule);
                if let (Some(id), Some(name), Some(when), Some(unless), Some(provenance)) =
                    (id, name, when, unless, provenance)
                {
                    return Some(DocumentRule {
                        id,
                        name: name.to_owned(),
                        when,
                        unless,
                        provenance,
                    });
                }

                None
            },
        )
    }
}
