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

    /// `hs/classification.toml`: the classifier's cues and the legal notes they rest on.
    pub(super) fn classification_file(&mut self, root: &DeTable<'_>, span: Range<usize>) {
        let table = TableReader::new(
            &mut self.ctx,
            root,
            span,
            "hs/classification.toml",
            &[&["sources", "legal_note", "cue"]],
        );
        self.sources(&table);
        let notes = self.each(
            &table,
            "legal_note",
            &[&["id", "title", "text"], FACT_KEYS],
            |this, rule| {
                let id = this.rule_id(rule);
                let title = rule.str(&mut this.ctx, "title");
                let text = rule.str(&mut this.ctx, "text");
                let provenance = this.provenance(rule);
                let (Some(id), Some(title), Some(text), Some(provenance)) =
                    (id, title, text, provenance)
                else {
                    return None;
                };
                Some(preclear_classify::LegalNote {
                    id: id.to_string(),
                    title: title.to_owned(),
                    text: text.to_owned(),
                    sources: citations(&provenance),
                })
            },
        );
        let nomenclature = self.loader.nomenclature;
        let known_notes: Vec<String> = notes.iter().map(|n| n.id.clone()).collect();
        let cues = self.each(
            &table,
            "cue",
            &[
                &[
                    "id",
                    "hs",
                    "weight",
                    "terms",
                    "with",
                    "host",
                    "unless",
                    "unless_line",
                    "notes",
                    "says",
                ],
                FACT_KEYS,
            ],
            |this, rule| {
                let id = this.rule_id(rule);
                let hs = rule.parsed(&mut this.ctx, "hs", |text| {
                    let code = HsCode::parse(text).map_err(|err| err.to_string())?;
                    if code.as_str().len() != 6 {
                        return Err(format!("`{text}` is not a 6-digit HS subheading"));
                    }
                    if !nomenclature.is_empty() && !nomenclature.contains(&code) {
                        return Err(format!("`{text}` does not exist in the HS 2022 nomenclature"));
                    }
                    Ok(code.as_str().to_owned())
                });
                let weight = rule.uint(&mut this.ctx, "weight").and_then(|w| {
                    if (1..=10).contains(&w) {
                        Some(w)
                    } else {
                        this.ctx.error(&rule.span, format!("`weight` is {w}; it must be 1 to 10"));
                        None
                    }
                });
                let term = |text: &str| {
                    preclear_classify::Term::parse(text)
                        .ok_or_else(|| format!("`{text}` has no letters or digits to match"))
                };
                let terms = rule.list(&mut this.ctx, "terms", term);
                let with = rule.opt_list(&mut this.ctx, "with", term);
                let host = rule.opt_list(&mut this.ctx, "host", term);
                let unless = rule.opt_list(&mut this.ctx, "unless", term);
                let unless_line = rule.opt_list(&mut this.ctx, "unless_line", term);
                let notes = rule.opt_list(&mut this.ctx, "notes", |text| {
                    if known_notes.iter().any(|n| n == text) {
                        Ok(text.to_owned())
                    } else {
                        Err(format!("legal note `{text}` is not defined in this file"))
                    }
                });
                let says = rule.str(&mut this.ctx, "says");
                let provenance = this.provenance(rule);
                let (
                    Some(id),
                    Some(hs),
                    Some(weight),
                    Some(terms),
                    Some(with),
                    Some(host),
                    Some(unless),
                    Some(unless_line),
                    Some(notes),
                    Some(says),
                    Some(provenance),
                ) = (
                    id,
                    hs,
                    weight,
                    terms,
                    with,
                    host,
                    unless,
                    unless_line,
                    notes,
                    says,
                    provenance,
                )
                else {
                    return None;
                };
                Some(preclear_classify::Cue {
                    id: id.to_string(),
                    hs,
                    terms,
                    with: with.unwrap_or_default(),
                    host: host.unwrap_or_default(),
                    unless: unless.unwrap_or_default(),
                    unless_line: unless_line.unwrap_or_default(),
                    weight,
                    notes: notes.unwrap_or_default(),
                    citations: citations(&provenance),
                    confidence: provenance.confidence,
                    says: says.to_owned(),
                })
            },
        );
        self.loader.legal_notes.extend(notes);
        self.loader.cues.extend(cues);
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

/// A fact's sources as the classifier cites them.
pub(super) fn citations(provenance: &Provenance) -> Vec<preclear_classify::Citation> {
    provenance
        .sources
        .iter()
        .map(|source| preclear_classify::Citation {
            title: source.title.clone(),
            url: source.url.clone(),
        })
        .collect()
}
