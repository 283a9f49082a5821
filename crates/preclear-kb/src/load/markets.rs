//! `markets/<CC>.toml` and `unions/<ID>.toml`: a market's (or a customs union's) facts, levies,
//! requirements, restrictions, documents and absences.

use super::*;

impl FileReader<'_, '_, '_> {
    /// Reads what a market file and a union file have in common. A market of a union starts from
    /// the union's rules: its levies may be computed on the union's (`base = ["eu.duty"]`), its
    /// restrictions may name the union's requirements, and single facts it omits are the union's.
    pub(super) fn body(
        &mut self,
        table: &TableReader<'_, '_>,
        currency: Option<Currency>,
        inherited: Body,
    ) -> Body {
        let rounding = self.opt_fact(table, "rounding", &["mode", "decimal_places"], |reader, t| {
            let mode = t.parsed(&mut reader.ctx, "mode", |text| {
                RoundingMode::parse(text).ok_or_else(|| format!("`{text}` is not a rounding mode; expected one of: half_up, half_even, down, up"))
            });
            let places = t.uint(&mut reader.ctx, "decimal_places");
            if places.is_some_and(|places| places > 6) {
                reader.ctx.error(&t.span, "`decimal_places` must be 0 to 6");
                return None;
            }
            Some(Rounding { mode: mode?, decimal_places: places? })
        });
        let valuation =
            self.opt_fact(table, "valuation", &["basis", "landing_charge_percent"], |reader, t| {
                let basis = t.parsed(&mut reader.ctx, "basis", |text| match text {
                    "CIF" => Ok(Known::Known(ValuationBasis::Cif)),
                    "FOB" => Ok(Known::Known(ValuationBasis::Fob)),
                    "unknown" => Ok(Known::Unknown),
                    other => Err(format!(
                        "`{other}` is not a valuation basis; expected CIF, FOB or unknown"
                    )),
                });
                let landing = t.opt_parsed(&mut reader.ctx, "landing_charge_percent", |text| {
                    Percent::parse(text).map_err(|err| err.to_string())
                });
                Some(Valuation { basis: basis?, landing_charge: landing? })
            });
        let de_minimis = self.opt_fact(table, "de_minimis", &["value", "waives"], |reader, t| {
            let value = t.parsed(&mut reader.ctx, "value", |text| match text {
                "unknown" => Ok(Known::Unknown),
                "none" => Ok(Known::Known(None)),
                amount => {
                    let amount = decimal(amount)?;
                    currency
                        .map(|currency| Known::Known(Some(Money::new(amount, currency))))
                        .ok_or_else(|| "the market currency is invalid".to_owned())
                }
            });
            let waives = t.opt_list(&mut reader.ctx, "waives", |text| match text {
                "duty" | "tax" => Ok(text.to_owned()),
                other => Err(format!("`{other}` is not waivable; expected duty or tax")),
            });
            let waives = waives?.unwrap_or_default();
            Some(DeMinimis {
                value: value?,
                waives_duty: waives.iter().any(|w| w == "duty"),
                waives_tax: waives.iter().any(|w| w == "tax"),
            })
        });
        let importer =
            self.opt_fact(table, "importer", &["non_resident_allowed", "route"], |reader, t| {
                let allowed = t.known_bool(&mut reader.ctx, "non_resident_allowed");
                let route = t.str(&mut reader.ctx, "route");
                Some(ImporterRule { non_resident_allowed: allowed?, route: route?.to_owned() })
            });
        let vat_recovery = self.opt_fact(
            table,
            "vat_recovery",
            &["levies", "registered", "registered_days", "non_resident", "non_resident_days"],
            |reader, t| {
                let levies = t.list(&mut reader.ctx, "levies", |text| {
                    Ok::<_, String>(Arc::<str>::from(text))
                });
                let registered = t.parsed(&mut reader.ctx, "registered", mechanism);
                let registered_days = days(&mut reader.ctx, t, "registered_days");
                let non_resident = t.parsed(&mut reader.ctx, "non_resident", mechanism);
                let non_resident_days = days(&mut reader.ctx, t, "non_resident_days");
                Some(VatRecovery {
                    levies: levies?,
                    registered: Recovery { mechanism: registered?, days: registered_days? },
                    non_resident: Recovery { mechanism: non_resident?, days: non_resident_days? },
                })
            },
        );
        let mut body = inherited;
        // `None`: the table is present but invalid (already reported).
        body.valid &= vat_recovery.is_some();
        if let Some(Some(fact)) = vat_recovery {
            body.vat_recovery = Some(fact);
        }
        body.valid &=
            rounding.is_some() && valuation.is_some() && de_minimis.is_some() && importer.is_some();
        // A fact the file gives replaces the union's.
        if let Some(Some(fact)) = rounding {
            body.rounding = Some(fact);
        }
        if let Some(Some(fact)) = valuation {
            body.valuation = Some(fact);
        }
        if let Some(Some(fact)) = de_minimis {
            body.de_minimis = Some(fact);
        }
        if let Some(Some(fact)) = importer {
            body.importer = Some(fact);
        }
        body.ior_unsuitable.extend(self.ior_unsuitable(table));
        body.levies = self.levies(table, currency, std::mem::take(&mut body.levies));
        body.requirements.extend(self.requirements(table, "requirement"));
        let restrictions = self.restrictions(table, &body.requirements);
        body.restrictions.extend(restrictions);
        body.documents.extend(self.documents(table));
        body.absences.extend(self.absences(table));
        body
    }

    pub(super) fn union_file(&mut self, file_code: &str, root: &DeTable<'_>, span: Range<usize>) {
        let table =
            TableReader::new(&mut self.ctx, root, span.clone(), "union file", &[UNION_KEYS]);
        self.sources(&table);
        let Some(header) = table.get("union").and_then(|entry| {
            TableReader::from_value(
                &mut self.ctx,
                entry.value,
                "[union]",
                &[&["id", "name", "currency", "members"]],
            )
        }) else {
            self.ctx.error(&span, "union file has no [union] table");
            return;
        };
        let id = header.str(&mut self.ctx, "id");
        let name = header.str(&mut self.ctx, "name");
        let currency = header.parsed(&mut self.ctx, "currency", currency);
        let members = header.list(&mut self.ctx, "members", country);
        if let Some(id) = id
            && id != file_code
        {
            self.ctx.error(&header.span, format!("union `{id}` is in file unions/{file_code}.toml; the file must be named unions/{id}.toml"));
        }
        let body = self.body(&table, currency, Body::default());
        let (Some(id), Some(name), Some(members)) = (id, name, members) else { return };
        let union =
            Union { id: Arc::from(id), name: name.to_owned(), members, file: self.file.clone() };
        let location = self.location(&header.span);
        self.loader.unions.insert(id.to_owned(), (union, body, location));
    }

    pub(super) fn market_file(&mut self, file_code: &str, root: &DeTable<'_>, span: Range<usize>) {
        let table =
            TableReader::new(&mut self.ctx, root, span.clone(), "market file", &[MARKET_KEYS]);
        self.sources(&table);
        let Some(header) = table.get("market").and_then(|entry| {
            TableReader::from_value(
                &mut self.ctx,
                entry.value,
                "[market]",
                &[&["country", "name", "currency", "union"]],
            )
        }) else {
            self.ctx.error(&span, "market file has no [market] table");
            return;
        };
        let country = header.parsed(&mut self.ctx, "country", country);
        let name = header.str(&mut self.ctx, "name");
        let currency = header.parsed(&mut self.ctx, "currency", currency);
        let union_id = header.opt_str(&mut self.ctx, "union").flatten();
        self.loader.market_unions.insert(file_code.to_owned(), union_id.map(str::to_owned));
        if let Some(country) = country
            && country.as_str() != file_code
        {
            self.ctx.error(&header.span, format!("market `{country}` is in file markets/{file_code}.toml; the file must be named markets/{country}.toml"));
        }
        // Unions are read before markets, so the union's rules are at hand.
        let loader = &*self.loader;
        let union = union_id.and_then(|id| loader.unions.get(id));
        let union_error = match (union_id, union, country) {
            (Some(id), None, _) => {
                let known: Vec<&str> = loader.unions.keys().map(String::as_str).collect();
                Some(format!(
                    "union `{id}` is not defined (unions/<ID>.toml); defined: {}",
                    if known.is_empty() { "none".to_owned() } else { known.join(", ") }
                ))
            }
            (Some(id), Some((union, ..)), Some(country)) if !union.members.contains(&country) => {
                Some(format!(
                    "market `{country}` names union `{id}`, whose `members` do not list it"
                ))
            }
            _ => None,
        };
        // The member starts from (one copy of) the union's rules.
        let (union_id, inherited) = match union {
            Some((union, body, _)) => (Some(union.id.clone()), body.clone()),
            None => (None, Body::default()),
        };
        if let Some(message) = union_error {
            self.ctx.error(&header.span, message);
        }
        let body = self.body(&table, currency, inherited);
        let mut complete = body.valid;
        for (key, present) in [
            ("rounding", body.rounding.is_some()),
            ("valuation", body.valuation.is_some()),
            ("importer", body.importer.is_some()),
        ] {
            if !present && table.get(key).is_none() {
                let from_union =
                    if union_id.is_some() { " (and its union gives none)" } else { "" };
                self.ctx
                    .error(&table.span, format!("market file has no [{key}] table{from_union}"));
                complete = false;
            }
        }
        let Body {
            rounding: Some(rounding),
            valuation: Some(valuation),
            de_minimis,
            importer: Some(importer),
            vat_recovery,
            ior_unsuitable,
            levies,
            requirements,
            restrictions,
            documents,
            absences,
            ..
        } = body
        else {
            return;
        };
        if let Some(recovery) = &vat_recovery {
            for id in &recovery.value.levies {
                if !levies.iter().any(|levy| levy.id == *id) {
                    let span =
                        table.get("vat_recovery").map_or(table.span.clone(), |e| e.value.span());
                    self.ctx.error(
                        &span,
                        format!(
                            "[vat_recovery] names the levy `{id}`, which this market does not have"
                        ),
                    );
                    complete = false;
                }
            }
        }
        let (Some(country), Some(name), Some(currency), true) = (country, name, currency, complete)
        else {
            return;
        };
        let market = Market {
            country,
            name: name.to_owned(),
            currency,
            rounding,
            valuation,
            de_minimis,
            importer,
            vat_recovery,
            ior_unsuitable,
            levies,
            requirements,
            restrictions,
            documents,
            absences,
            union: union_id,
            file: self.file.clone(),
        };
        self.loader.markets.insert(country, market);
    }

    /// `[[absent]]`: sourced statements that the market's law has nothing on a topic.
    pub(super) fn absences(&mut self, root: &TableReader<'_, '_>) -> Vec<Absence> {
        self.each(root, "absent", &[&["topic"], FACT_KEYS], |this, rule| {
            let topic = rule.parsed(&mut this.ctx, "topic", |text| {
                match Topic::parse(text) {
                    Some(topic) if topic.may_be_absent() => Ok(topic),
                    _ => {
                        let topics: Vec<&str> = Topic::ALL.iter().filter(|t| t.may_be_absent()).map(|t| t.as_str()).collect();
                        Err(format!("`{text}` is not a topic that can be absent; expected one of: {}", topics.join(", ")))
                    }
                }
            });
            let provenance = this.provenance(rule)?;
            if provenance.note.is_none() {
                this.ctx.error(&rule.span, "[[absent]] needs a `note` saying what was established (e.g. \"no IMEI registration regime for imported devices\")");
                return None;
            }
            if provenance.confidence == Confidence::Unknown {
                this.ctx.error(&rule.span, "[[absent]] cannot have confidence \"unknown\": an absence that is not established is a [[requirement]] or [[restriction]] of unknown confidence, which the engine asks the operator to confirm");
                return None;
            }
            Some(Absence { topic: topic?, provenance })
        })
    }

    /// Reads an optional single-table fact (`[rounding]`), its own keys read by `read`: `None` if
    /// it is present but invalid (the problems are reported), `Some(None)` if it is absent.
    pub(super) fn opt_fact<T>(
        &mut self,
        root: &TableReader<'_, '_>,
        key: &str,
        keys: &[&str],
        read: impl FnOnce(&mut Self, &TableReader<'_, '_>) -> Option<T>,
    ) -> Option<Option<Fact<T>>> {
        let Some(entry) = root.get(key) else { return Some(None) };
        let table = TableReader::from_value(
            &mut self.ctx,
            entry.value,
            &format!("[{key}]"),
            &[keys, FACT_KEYS],
        )?;
        let value = read(self, &table);
        let provenance = self.provenance(&table);
        Some(Some(Fact { value: value?, provenance: provenance? }))
    }

    pub(super) fn ior_unsuitable(&mut self, root: &TableReader<'_, '_>) -> Vec<IorUnsuitable> {
        self.each(
            root,
            "ior_unsuitable",
            &[&["id", "purposes", "reason", "recommendation"], FACT_KEYS],
            |this, rule| {
                let id = this.rule_id(rule);
                let purposes = rule.list(&mut this.ctx, "purposes", Purpose::parse);
                let reason = rule.str(&mut this.ctx, "reason");
                let recommendation = rule.str(&mut this.ctx, "recommendation");
                let provenance = this.provenance(rule);
                if let (
                    Some(id),
                    Some(purposes),
                    Some(reason),
                    Some(recommendation),
                    Some(provenance),
                ) = (id, purposes, reason, recommendation, provenance)
                {
                    return Some(IorUnsuitable {
                        id,
                        purposes,
                        reason: reason.to_owned(),
                        recommendation: recommendation.to_owned(),
                        provenance,
                    });
                }

                None
            },
        )
    }

    /// Reads `[[levy]]` after the `inherited` levies (a union's), which a levy's `base` may name.
    pub(super) fn levies(
        &mut self,
        root: &TableReader<'_, '_>,
        market_currency: Option<Currency>,
        inherited: Vec<Levy>,
    ) -> Vec<Levy> {
        let mut levies = inherited;
        let Some(entry) = root.get("levy") else { return levies };
        for (rule, span) in tables(&mut self.ctx, entry) {
            let rule = TableReader::new(
                &mut self.ctx,
                rule,
                span,
                "levy",
                &[
                    &[
                        "id",
                        "kind",
                        "name",
                        "base",
                        "method",
                        "minimum",
                        "maximum",
                        "limits_currency",
                        "when",
                        "unless",
                        "rate",
                    ],
                    FACT_KEYS,
                ],
            );
            let id = self.rule_id(&rule);
            let kind = rule.parsed(&mut self.ctx, "kind", |text| match text {
                "duty" => Ok(LevyKind::Duty),
                "tax" => Ok(LevyKind::Tax),
                "fee" => Ok(LevyKind::Fee),
                other => Err(format!("`{other}` is not a levy kind; expected duty, tax or fee")),
            });
            let name = rule.str(&mut self.ctx, "name");
            let method = rule.opt_parsed(&mut self.ctx, "method", |text| match text {
                "percent" => Ok(LevyMethod::Percent),
                "inclusive" => Ok(LevyMethod::Inclusive),
                "fixed" => Ok(LevyMethod::Fixed),
                other => Err(format!(
                    "`{other}` is not a levy method; expected percent, inclusive or fixed"
                )),
            });
            let method = method.map(|method| method.unwrap_or(LevyMethod::Percent));
            let base = if method == Some(LevyMethod::Fixed) && !rule.has("base") {
                Some(Vec::new())
            } else {
                let earlier: Vec<Arc<str>> = levies.iter().map(|levy| levy.id.clone()).collect();
                rule.list(&mut self.ctx, "base", |text| match text {
                    "customs_value" => Ok(BaseComponent::CustomsValue),
                    "goods_value" => Ok(BaseComponent::GoodsValue),
                    "freight_and_insurance" => Ok(BaseComponent::FreightAndInsurance),
                    id => earlier.iter().position(|earlier| &**earlier == id).map(BaseComponent::Levy).ok_or_else(|| {
                        format!("`{id}` is neither customs_value, goods_value, freight_and_insurance nor the id of a levy above this one (in this file or its union)")
                    }),
                })
            };
            let limits_currency = rule.opt_parsed(&mut self.ctx, "limits_currency", currency);
            let limit_currency = limits_currency.flatten().or(market_currency);
            let minimum = rule.opt_parsed(&mut self.ctx, "minimum", decimal);
            // `maximum` is an amount, or maxima by band of the levy's base.
            let (maximum, maximum_bands) = match rule.get("maximum") {
                Some(entry) if entry.is_array() => {
                    (Some(None), self.band_list(entry, limit_currency))
                }
                _ => (rule.opt_parsed(&mut self.ctx, "maximum", decimal), Some(Vec::new())),
            };
            let when = self.conditions(&rule, "when");
            let unless = self.conditions(&rule, "unless");
            let provenance = self.provenance(&rule);
            let rates = match (rule.get("rate"), method) {
                (Some(entry), Some(method)) => self.levy_rates(entry, method, market_currency),
                (None, _) => {
                    self.ctx.error(&rule.span, "levy has no [[levy.rate]]: give at least one rate, or a rate of \"unknown\"");
                    None
                }
                (Some(_), None) => None,
            };
            let (
                Some(id),
                Some(kind),
                Some(name),
                Some(method),
                Some(base),
                Some(minimum),
                Some(maximum),
                Some(when),
                Some(unless),
                Some(provenance),
                Some(rates),
                Some(limit_currency),
                Some(maximum_bands),
            ) = (
                id,
                kind,
                name,
                method,
                base,
                minimum,
                maximum,
                when,
                unless,
                provenance,
                rates,
                limit_currency,
                maximum_bands,
            )
            else {
                continue;
            };
            levies.push(Levy {
                id,
                kind,
                name: name.to_owned(),
                base,
                method,
                minimum: minimum.map(|amount| Money::new(amount, limit_currency)),
                maximum: maximum.map(|amount| Money::new(amount, limit_currency)),
                maximum_bands,
                when,
                unless,
                rates,
                provenance,
            });
        }
        levies
    }

    pub(super) fn levy_rates(
        &mut self,
        entry: &crate::reader::Entry<'_, '_>,
        method: LevyMethod,
        market_currency: Option<Currency>,
    ) -> Option<Vec<LevyRate>> {
        let mut rates: Vec<LevyRate> = Vec::new();
        let mut ok = true;
        for (rate, span) in tables(&mut self.ctx, entry) {
            let rate = TableReader::new(
                &mut self.ctx,
                rate,
                span,
                "levy rate",
                &[
                    &[
                        "hs",
                        "origins",
                        "subdivisions",
                        "percent",
                        "amount",
                        "bands",
                        "per_code",
                        "currency",
                    ],
                    FACT_KEYS,
                ],
            );
            let nomenclature = self.loader.nomenclature;
            let hs =
                rate.opt_parsed(&mut self.ctx, "hs", |text| self_hs_prefix(nomenclature, text));
            let origins = rate.opt_list(&mut self.ctx, "origins", country);
            // A rate for some states or provinces of the market (Brazil's ICMS by state).
            let own = self
                .file
                .strip_prefix("markets/")
                .and_then(|rest| rest.strip_suffix(".toml"))
                .and_then(|code| Country::parse(code).ok());
            let subdivisions = rate.opt_list(&mut self.ctx, "subdivisions", |text| {
                let subdivision = Subdivision::parse(text)?;
                match own {
                    Some(own) if subdivision.country() == own => Ok(subdivision),
                    Some(own) => Err(format!("`{text}` is not a subdivision of {own}")),
                    None => {
                        Err("only a market's own file may give rates by subdivision".to_owned())
                    }
                }
            });
            let subdivisions = match subdivisions {
                Some(Some(list)) if list.is_empty() => {
                    self.ctx.error(&rate.span, "`subdivisions` must name at least one subdivision");
                    None
                }
                other => other,
            };
            let value = match method {
                LevyMethod::Percent | LevyMethod::Inclusive => {
                    if rate.has("amount") {
                        self.ctx.error(
                            &rate.span,
                            "a percent or inclusive levy takes `percent`, not `amount`",
                        );
                    }
                    rate.parsed(&mut self.ctx, "percent", |text| match text {
                        "unknown" => Ok(RateValue::Unknown),
                        text => {
                            let percent = Percent::parse(text).map_err(|err| err.to_string())?;
                            if method == LevyMethod::Inclusive
                                && percent.value() >= rust_decimal::Decimal::ONE_HUNDRED
                            {
                                return Err("an inclusive rate must be below 100".to_owned());
                            }
                            Ok(RateValue::Percent(percent))
                        }
                    })
                }
                LevyMethod::Fixed => {
                    if rate.has("percent") {
                        self.ctx.error(&rate.span, "a fixed levy takes `amount`, not `percent`");
                    }
                    let currency = rate
                        .opt_parsed(&mut self.ctx, "currency", currency)
                        .map(|c| c.or(market_currency));
                    if let Some(bands) = rate.get("bands") {
                        if rate.has("amount") {
                            self.ctx.error(
                                &rate.span,
                                "a fixed rate takes `amount` or `bands`, not both",
                            );
                        }
                        let bands = self.bands(bands, currency.flatten());
                        let provenance = self.provenance(&rate);
                        let (
                            Some(hs),
                            Some(origins),
                            Some(subdivisions),
                            Some(value),
                            Some(provenance),
                        ) = (hs, origins, subdivisions, bands, provenance)
                        else {
                            ok = false;
                            continue;
                        };
                        rates.push(LevyRate { hs, origins, subdivisions, value, provenance });
                        continue;
                    }
                    let value = rate.parsed(&mut self.ctx, "amount", |text| match text {
                        "unknown" => Ok(RateValue::Unknown),
                        text => {
                            let amount = decimal(text)?;
                            currency
                                .flatten()
                                .map(|currency| RateValue::Amount(Money::new(amount, currency)))
                                .ok_or_else(|| "no valid currency for the amount".to_owned())
                        }
                    });
                    match (value, rate.get("per_code")) {
                        (Some(RateValue::Amount(shipment)), Some(entry)) => self
                            .code_steps(entry, shipment.currency())
                            .map(|steps| RateValue::PerCode { shipment, steps }),
                        (Some(_), Some(_)) => {
                            self.ctx.error(
                                &rate.span,
                                "`per_code` needs a known `amount` per declaration",
                            );
                            None
                        }
                        (None, _) => None,
                        (value, None) => value,
                    }
                }
            };
            let provenance = self.provenance(&rate);
            let (Some(hs), Some(origins), Some(subdivisions), Some(value), Some(provenance)) =
                (hs, origins, subdivisions, value, provenance)
            else {
                ok = false;
                continue;
            };
            let new = LevyRate { hs, origins, subdivisions, value, provenance };
            if let Some(clash) = rates.iter().find(|old| {
                old.hs == new.hs
                    && old.origins == new.origins
                    && old.subdivisions == new.subdivisions
                    && overlaps(&old.provenance, &new.provenance)
            }) {
                self.ctx.error(
                    &rate.span,
                    format!("this rate and the one at line {} apply to the same HS prefix, origins and subdivisions on overlapping dates", clash.provenance.location.line),
                );
                ok = false;
                continue;
            }
            rates.push(new);
        }
        if rates.is_empty() && ok {
            self.ctx.error(&entry.value.span(), "levy has no rates");
            return None;
        }
        ok.then_some(rates)
    }

    /// `per_code = [{ up_to = "2", amount = "38.56" }, …, { amount = "3.86" }]`: the amount for
    /// each distinct HS code, by its rank; `up_to` increasing, only the last step without one.
    fn code_steps(
        &mut self,
        entry: &crate::reader::Entry<'_, '_>,
        currency: Currency,
    ) -> Option<Vec<CodeStep>> {
        let mut steps: Vec<CodeStep> = Vec::new();
        let tables = tables(&mut self.ctx, entry);
        let count = tables.len();
        for (idx, (table, span)) in tables.into_iter().enumerate() {
            let step = TableReader::new(
                &mut self.ctx,
                table,
                span.clone(),
                "per_code step",
                &[&["up_to", "amount"]],
            );
            let amount = step.parsed(&mut self.ctx, "amount", decimal);
            let up_to = step.opt_parsed(&mut self.ctx, "up_to", |text| {
                text.parse::<u32>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                    format!("`{text}` is not a count of codes (a whole number from 1)")
                })
            });
            let (Some(amount), Some(up_to)) = (amount, up_to) else { return None };
            let last = idx + 1 == count;
            match (up_to, last) {
                (Some(_), true) => {
                    self.ctx.error(&span, "the last step has no `up_to`: it takes every code after the step before it");
                    return None;
                }
                (None, false) => {
                    self.ctx.error(&span, "only the last step may omit `up_to`");
                    return None;
                }
                _ => {}
            }
            if let (Some(to), Some(previous)) = (up_to, steps.last().and_then(|s| s.up_to))
                && to <= previous
            {
                self.ctx.error(&span, "each step's `up_to` must be above the one before");
                return None;
            }
            steps.push(CodeStep { up_to, amount: Money::new(amount, currency) });
        }
        if steps.is_empty() {
            self.ctx.error(&entry.value.span(), "`per_code` needs at least one step");
            return None;
        }
        Some(steps)
    }

    /// `bands = [{ up_to = "250000", amount = "250" }, …, { amount = "1000" }]`: amounts by
    /// customs value, in the rate's currency; `up_to` increasing, only the last band without one.
    fn bands(
        &mut self,
        entry: &crate::reader::Entry<'_, '_>,
        currency: Option<Currency>,
    ) -> Option<RateValue> {
        self.band_list(entry, currency).map(RateValue::Bands)
    }

    /// Bands of amounts by value, in `currency`: `up_to` increasing, only the last band without
    /// one, at least two bands.
    fn band_list(
        &mut self,
        entry: &crate::reader::Entry<'_, '_>,
        currency: Option<Currency>,
    ) -> Option<Vec<Band>> {
        let Some(currency) = currency else {
            self.ctx.error(&entry.value.span(), "no valid currency for the bands");
            return None;
        };
        let mut bands: Vec<Band> = Vec::new();
        let tables = tables(&mut self.ctx, entry);
        let count = tables.len();
        for (idx, (table, span)) in tables.into_iter().enumerate() {
            let band = TableReader::new(
                &mut self.ctx,
                table,
                span.clone(),
                "band",
                &[&["up_to", "amount"]],
            );
            let amount = band.parsed(&mut self.ctx, "amount", decimal);
            let up_to = band.opt_parsed(&mut self.ctx, "up_to", decimal);
            let (Some(amount), Some(up_to)) = (amount, up_to) else { return None };
            let last = idx + 1 == count;
            match (up_to, last) {
                (Some(_), true) => {
                    self.ctx.error(&span, "the last band has no `up_to`: it takes every value above the band before it");
                    return None;
                }
                (None, false) => {
                    self.ctx.error(&span, "only the last band may omit `up_to`");
                    return None;
                }
                _ => {}
            }
            if let (Some(limit), Some(previous)) =
                (up_to, bands.last().and_then(|b| b.up_to.map(|m| m.amount())))
                && limit <= previous
            {
                self.ctx.error(&span, "each band's `up_to` must be above the one before");
                return None;
            }
            bands.push(Band {
                up_to: up_to.map(|limit| Money::new(limit, currency)),
                amount: Money::new(amount, currency),
            });
        }
        if bands.len() < 2 {
            self.ctx.error(
                &entry.value.span(),
                format!(
                    "`{}` needs at least two bands (one amount is written as a plain amount)",
                    entry.key
                ),
            );
            return None;
        }
        Some(bands)
    }

    pub(super) fn requirements(
        &mut self,
        root: &TableReader<'_, '_>,
        key: &str,
    ) -> Vec<Requirement> {
        self.each(root, key, &[REQUIREMENT_KEYS, FACT_KEYS], |this, rule| this.requirement(rule))
    }

    pub(super) fn requirement(&mut self, rule: &TableReader<'_, '_>) -> Option<Requirement> {
        let id = self.rule_id(rule);
        let ctx = &mut self.ctx;
        let kind = rule.parsed(ctx, "kind", |text| {
            RequirementKind::ALL.into_iter().find(|kind| kind.as_str() == text).ok_or_else(|| {
                let all: Vec<&str> =
                    RequirementKind::ALL.iter().map(|kind| kind.as_str()).collect();
                format!("`{text}` is not a requirement kind; expected one of: {}", all.join(", "))
            })
        });
        let name = rule.str(ctx, "name");
        let authority = rule.str(ctx, "authority");
        let scope = rule.parsed(ctx, "scope", |text| match text {
            "shipment" => Ok(Scope::Shipment),
            "model" => Ok(Scope::Model),
            "importer" => Ok(Scope::Importer),
            other => Err(format!("`{other}` is not a scope; expected shipment, model or importer")),
        });
        let holder = rule.parsed(ctx, "holder", |text| match text {
            "importer" => Ok(Holder::Importer),
            "manufacturer" => Ok(Holder::Manufacturer),
            "importer_or_manufacturer" => Ok(Holder::ImporterOrManufacturer),
            "local_entity" => Ok(Holder::LocalEntity),
            "exporter" => Ok(Holder::Exporter),
            "anyone" => Ok(Holder::Anyone),
            other => Err(format!("`{other}` is not a holder; expected importer, manufacturer, importer_or_manufacturer, local_entity, exporter or anyone")),
        });
        let lead_time = days(ctx, rule, "lead_time_days");
        let needed_before = rule.parsed(ctx, "needed_before", |text| match text {
            "departure" => Ok(NeededBefore::Departure),
            "arrival" => Ok(NeededBefore::Arrival),
            "clearance" => Ok(NeededBefore::Clearance),
            other => {
                Err(format!("`{other}` is not a moment; expected departure, arrival or clearance"))
            }
        });
        let documents = rule.opt_list(ctx, "documents", |text| Ok(text.to_owned()));
        let when = self.conditions(rule, "when");
        let unless = self.conditions(rule, "unless");
        let provenance = self.provenance(rule);
        Some(Requirement {
            id: id?,
            kind: kind?,
            name: name?.to_owned(),
            authority: authority?.to_owned(),
            scope: scope?,
            holder: holder?,
            lead_time: lead_time?,
            needed_before: needed_before?,
            documents: documents?.unwrap_or_default(),
            when: when?,
            unless: unless?,
            provenance: provenance?,
        })
    }

    pub(super) fn restrictions(
        &mut self,
        root: &TableReader<'_, '_>,
        requirements: &[Requirement],
    ) -> Vec<Restriction> {
        self.each(root, "restriction", &[
                    &["id", "effect", "requirement", "name", "exceptions", "when", "unless"],
                    FACT_KEYS,
                ], |this, rule| {
            let id = this.rule_id(rule);
            let effect = rule.parsed(&mut this.ctx, "effect", |text| match text {
                "prohibited" | "licensed" => Ok(text.to_owned()),
                other => {
                    Err(format!("`{other}` is not an effect; expected prohibited or licensed"))
                }
            });
            let requirement = rule.opt_str(&mut this.ctx, "requirement");
            let effect = match (effect.as_deref(), requirement) {
                (Some("prohibited"), Some(None)) => Some(RestrictionEffect::Prohibited),
                (Some("prohibited"), Some(Some(_))) => {
                    this.ctx.error(&rule.span, "a prohibited restriction takes no `requirement`");
                    None
                }
                (Some("licensed"), Some(Some(req))) => {
                    match requirements.iter().position(|r| &*r.id == req) {
                        Some(idx) => Some(RestrictionEffect::Licensed(idx)),
                        None => {
                            this.ctx.error(&rule.span, format!("restriction names requirement `{req}`, which is not a [[requirement]] of this file or its union"));
                            None
                        }
                    }
                }
                (Some("licensed"), Some(None)) => {
                    this.ctx.error(&rule.span, "a licensed restriction needs `requirement`: the id of the licence's [[requirement]]");
                    None
                }
                _ => None,
            };
            let name = rule.str(&mut this.ctx, "name");
            let exceptions = rule.opt_str(&mut this.ctx, "exceptions");
            let when = this.conditions(rule, "when");
            let unless = this.conditions(rule, "unless");
            let provenance = this.provenance(rule);
            if let (
                Some(id),
                Some(effect),
                Some(name),
                Some(exceptions),
                Some(when),
                Some(unless),
                Some(provenance),
            ) = (id, effect, name, exceptions, when, unless, provenance)
            {
                return Some(Restriction {
                    id,
                    effect,
                    name: name.to_owned(),
                    exceptions: exceptions.map(str::to_owned),
                    when,
                    unless,
                    provenance,
                });
            }

 None })
    }
}

/// A `{ min = N, max = N }` range of days, or `"unknown"`, under `key` (required).
fn days(ctx: &mut Ctx<'_>, rule: &TableReader<'_, '_>, key: &str) -> Option<Known<LeadTime>> {
    let Some(entry) = rule.get(key) else {
        ctx.error(
            &rule.span,
            format!(
                "{} is missing required key `{key}` (a {{ min, max }} table or \"unknown\")",
                rule.what
            ),
        );
        return None;
    };
    match entry.value.get_ref() {
        toml::de::DeValue::String(text) if text == "unknown" => Some(Known::Unknown),
        toml::de::DeValue::Table(_) => {
            TableReader::from_value(ctx, entry.value, key, &[&["min", "max"]]).and_then(|days| {
                let min = days.uint(ctx, "min");
                let max = days.uint(ctx, "max");
                match (min, max) {
                    (Some(min), Some(max)) if min <= max => {
                        Some(Known::Known(LeadTime { min, max }))
                    }
                    (Some(min), Some(max)) => {
                        ctx.error(
                            &entry.value.span(),
                            format!("{key} min {min} is above max {max}"),
                        );
                        None
                    }
                    _ => None,
                }
            })
        }
        _ => {
            ctx.error(
                &entry.value.span(),
                format!("`{key}` must be {{ min = N, max = N }} or \"unknown\""),
            );
            None
        }
    }
}

/// `deduction`, `postponed_accounting`, … or `unknown`.
fn mechanism(text: &str) -> Result<Known<RecoveryMechanism>, String> {
    if text == "unknown" {
        return Ok(Known::Unknown);
    }
    RecoveryMechanism::ALL.into_iter().find(|m| m.as_str() == text).map(Known::Known).ok_or_else(
        || {
            let all: Vec<&str> = RecoveryMechanism::ALL.iter().map(|m| m.as_str()).collect();
            format!(
                "`{text}` is not a way of recovering import VAT; expected {} or unknown",
                all.join(", ")
            )
        },
    )
}
