//! `export-controls/<id>.toml`: an origin-side export-control regime (country groups,
//! classifications, licence rules, embargoes, requirements, re-export reach).

use super::*;

impl FileReader<'_, '_, '_> {
    pub(super) fn regime_file(&mut self, root: &DeTable<'_>, span: Range<usize>) {
        let table = TableReader::new(
            &mut self.ctx,
            root,
            span.clone(),
            "export-control file",
            &[REGIME_FILE_KEYS],
        );
        self.sources(&table);
        let Some(header) = table.get("regime").and_then(|entry| {
            TableReader::from_value(
                &mut self.ctx,
                entry.value,
                "[regime]",
                &[&["id", "name", "origins"], FACT_KEYS],
            )
        }) else {
            self.ctx.error(&span, "export-control file has no [regime] table");
            return;
        };
        let id = self.rule_id(&header);
        let name = header.str(&mut self.ctx, "name");
        let origins = header.list(&mut self.ctx, "origins", country);
        let provenance = self.provenance(&header);

        let mut groups = BTreeMap::new();
        if let Some(entry) = table.get("country_group") {
            for (group, span) in tables(&mut self.ctx, entry) {
                let group = TableReader::new(
                    &mut self.ctx,
                    group,
                    span,
                    "country_group",
                    &[&["id", "name", "countries"], FACT_KEYS],
                );
                let id = group.str(&mut self.ctx, "id");
                let name = group.str(&mut self.ctx, "name");
                let countries = group.list(&mut self.ctx, "countries", country);
                let provenance = self.provenance(&group);
                if let (Some(id), Some(name), Some(countries), Some(provenance)) =
                    (id, name, countries, provenance)
                {
                    if groups.contains_key(id) {
                        self.ctx
                            .error(&group.span, format!("country group `{id}` is defined twice"));
                        continue;
                    }
                    groups.insert(
                        id.to_owned(),
                        CountryGroup {
                            id: id.to_owned(),
                            name: name.to_owned(),
                            countries,
                            provenance,
                        },
                    );
                }
            }
        }

        let classifications = self.each(
            &table,
            "classification",
            &[&["id", "eccn", "when", "unless", "determination"], FACT_KEYS],
            |this, rule| {
                let id = this.rule_id(rule);
                let eccn = rule.opt_parsed(&mut this.ctx, "eccn", |text| {
                    Eccn::parse(text).map_err(|err| err.to_string())
                });
                let when = this.conditions(rule, "when");
                let unless = this.conditions(rule, "unless");
                let determination = rule.str(&mut this.ctx, "determination");
                let provenance = this.provenance(rule);
                if let (
                    Some(id),
                    Some(eccn),
                    Some(when),
                    Some(unless),
                    Some(determination),
                    Some(provenance),
                ) = (id, eccn, when, unless, determination, provenance)
                {
                    return Some(Classification {
                        id,
                        eccn,
                        when,
                        unless,
                        determination: determination.to_owned(),
                        provenance,
                    });
                }

                None
            },
        );

        let licence_rules = self.each(
            &table,
            "licence_rule",
            &[
                &[
                    "id",
                    "eccns",
                    "destinations",
                    "licence_required",
                    "exception",
                    "review_policy",
                    "determination",
                ],
                FACT_KEYS,
            ],
            |this, rule| {
                let id = this.rule_id(rule);
                let eccns = rule.list(&mut this.ctx, "eccns", |text| {
                    let valid = text == "EAR99"
                        || Eccn::parse(text).is_ok()
                        || (text.len() >= 2
                            && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '.'));
                    if valid {
                        Ok(text.to_owned())
                    } else {
                        Err(format!("`{text}` is not an ECCN or ECCN prefix"))
                    }
                });
                let destinations = this.destinations(rule, &groups);
                let licence_required = rule.known_bool(&mut this.ctx, "licence_required");
                let exception = rule.opt_str(&mut this.ctx, "exception");
                let review_policy =
                    rule.opt_parsed(&mut this.ctx, "review_policy", ReviewPolicy::parse);
                let determination = rule.str(&mut this.ctx, "determination");
                let provenance = this.provenance(rule);
                if let (Some(Some(policy)), Some(Known::Known(false))) =
                    (review_policy, licence_required)
                {
                    this.ctx.error(
                        &rule.span,
                        format!(
                            "{}: review_policy `{}` needs licence_required = true",
                            rule.what,
                            policy.as_str()
                        ),
                    );
                    return None;
                }
                if let (
                    Some(id),
                    Some(eccns),
                    Some((destinations, all)),
                    Some(licence_required),
                    Some(exception),
                    Some(review_policy),
                    Some(determination),
                    Some(provenance),
                ) = (
                    id,
                    eccns,
                    destinations,
                    licence_required,
                    exception,
                    review_policy,
                    determination,
                    provenance,
                ) {
                    return Some(LicenceRule {
                        id,
                        eccns,
                        destinations,
                        all_destinations: all,
                        licence_required,
                        exception: exception.map(str::to_owned),
                        review_policy,
                        determination: determination.to_owned(),
                        provenance,
                    });
                }

                None
            },
        );

        let embargoes = self.each(
            &table,
            "embargo",
            &[&["id", "name", "destinations", "when", "unless"], FACT_KEYS],
            |this, rule| {
                let id = this.rule_id(rule);
                let name = rule.str(&mut this.ctx, "name");
                let destinations = this.destinations(rule, &groups);
                let when = this.conditions(rule, "when");
                let unless = this.conditions(rule, "unless");
                let provenance = this.provenance(rule);
                if let (
                    Some(id),
                    Some(name),
                    Some((destinations, all)),
                    Some(when),
                    Some(unless),
                    Some(provenance),
                ) = (id, name, destinations, when, unless, provenance)
                {
                    if all {
                        this.ctx
                            .error(&rule.span, "an embargo must name its destinations, not \"*\"");
                        return None;
                    }
                    return Some(Embargo {
                        id,
                        name: name.to_owned(),
                        destinations,
                        when,
                        unless,
                        provenance,
                    });
                }

                None
            },
        );
        let requirements = self.requirements(&table, "requirement");
        let reexport = self.opt_fact(&table, "reexport", &["foreign_made"], |reader, t| {
            let foreign_made = t.opt_str(&mut reader.ctx, "foreign_made")?;
            Some(Reexport { foreign_made: foreign_made.map(str::to_owned) })
        });
        if let (Some(id), Some(name), Some(origins), Some(provenance), Some(reexport)) =
            (id, name, origins, provenance, reexport)
        {
            let file = self.file.clone();
            self.loader.regimes.push(ExportRegime {
                id,
                name: name.to_owned(),
                origins,
                groups,
                classifications,
                licence_rules,
                embargoes,
                requirements,
                reexport,
                provenance,
                file,
            });
        }
    }

    /// `destinations`: countries, `group:<id>` references (expanded), or `"*"`.
    pub(super) fn destinations(
        &mut self,
        rule: &TableReader<'_, '_>,
        groups: &BTreeMap<String, CountryGroup>,
    ) -> Option<(Vec<Country>, bool)> {
        let items = rule.list(&mut self.ctx, "destinations", |text| {
            if text == "*" {
                return Ok(Destination::All);
            }
            if let Some(group) = text.strip_prefix("group:") {
                return groups
                    .get(group)
                    .map(|group| Destination::Group(group.countries.clone()))
                    .ok_or_else(|| {
                        format!("country group `{group}` is not defined above in this file")
                    });
            }
            country(text).map(Destination::Country)
        })?;
        let mut countries = Vec::new();
        let mut all = false;
        for item in items {
            match item {
                Destination::All => all = true,
                Destination::Country(country) => countries.push(country),
                Destination::Group(members) => countries.extend(members),
            }
        }
        countries.sort();
        countries.dedup();
        Some((countries, all))
    }
}
