//! `agreements/<id>.toml`: a plurilateral tariff-elimination agreement (the WTO's Information
//! Technology Agreement), and the 0% duty it binds, derived into the tariff of each participant
//! whose own rate for a covered subheading is not established.

use super::*;

const AGREEMENT_FILE_KEYS: &[&str] =
    &["agreement", "sources", "participant", "product", "deviation"];

impl FileReader<'_, '_, '_> {
    pub(super) fn agreement_file(&mut self, file_id: &str, root: &DeTable<'_>, span: Range<usize>) {
        let table = TableReader::new(
            &mut self.ctx,
            root,
            span.clone(),
            "agreement file",
            &[AGREEMENT_FILE_KEYS],
        );
        self.sources(&table);
        let Some(header) = table.get("agreement").and_then(|entry| {
            TableReader::from_value(
                &mut self.ctx,
                entry.value,
                "[agreement]",
                &[&["id", "name"], FACT_KEYS],
            )
        }) else {
            self.ctx.error(&span, "agreement file has no [agreement] table");
            return;
        };
        let id = self.rule_id(&header);
        if let Some(id) = id.as_deref()
            && id != file_id
        {
            self.ctx.error(&header.span, format!("agreement `{id}` is in file agreements/{file_id}.toml; the file must be named agreements/{id}.toml"));
        }
        let name = header.str(&mut self.ctx, "name");
        let provenance = self.provenance(&header);

        let mut members = std::collections::HashSet::new();
        let participants = self.each(
            &table,
            "participant",
            &[&["member", "ita", "expansion", "expansion_complete"], FACT_KEYS],
            |this, row| {
                let member = row.parsed(&mut this.ctx, "member", member);
                if let Some(member) = &member
                    && !members.insert(member.clone())
                {
                    this.ctx.error(&row.span, format!("participant `{member}` is listed twice"));
                    return None;
                }
                let original = row.bool(&mut this.ctx, "ita");
                let expansion = row.bool(&mut this.ctx, "expansion");
                let complete = row.opt_date(&mut this.ctx, "expansion_complete");
                let provenance = this.provenance(row);
                Some(Participant {
                    member: member?,
                    original: original?,
                    expansion: expansion?,
                    expansion_complete: complete?,
                    provenance: provenance?,
                })
            },
        );

        let nomenclature = self.loader.nomenclature;
        let mut seen = std::collections::HashSet::new();
        let products =
            self.each(&table, "product", &[&["hs", "list", "scope"], FACT_KEYS], |this, row| {
                let hs = row.parsed(&mut this.ctx, "hs", |text| {
                    let prefix = self_hs_prefix(nomenclature, text)?;
                    if prefix.as_str().len() != 6 {
                        return Err(format!("`{text}` must be an HS subheading (six digits)"));
                    }
                    Ok(prefix)
                });
                if let Some(hs) = &hs
                    && !seen.insert(hs.as_str().to_owned())
                {
                    this.ctx.error(&row.span, format!("product `{hs}` is listed twice"));
                    return None;
                }
                let list = row.parsed(&mut this.ctx, "list", |text| match text {
                    "ita" => Ok(AgreementList::Original),
                    "expansion" => Ok(AgreementList::Expansion),
                    _ => Err(format!("`{text}` is not a list; expected one of: ita, expansion")),
                });
                let scope = row.parsed(&mut this.ctx, "scope", |text| match text {
                    "full" => Ok(AgreementScope::Full),
                    "ex" => Ok(AgreementScope::Ex),
                    _ => Err(format!("`{text}` is not a scope; expected one of: full, ex")),
                });
                let provenance = this.provenance(row);
                Some(AgreementProduct {
                    hs: hs?,
                    list: list?,
                    scope: scope?,
                    provenance: provenance?,
                })
            });

        let deviations =
            self.each(&table, "deviation", &[&["member", "hs"], FACT_KEYS], |this, row| {
                let member = row.parsed(&mut this.ctx, "member", member);
                let hs = row.list(&mut this.ctx, "hs", |text| self_hs_prefix(nomenclature, text));
                let provenance = this.provenance(row);
                Some(Deviation { member: member?, hs: hs?, provenance: provenance? })
            });

        if let (Some(id), Some(name), Some(provenance)) = (id, name, provenance) {
            self.loader.agreements.push(Agreement {
                id,
                name: name.to_owned(),
                participants,
                products,
                deviations,
                provenance,
            });
        }
    }
}

/// A participant: a country code (`JP`) or a customs union's id (`EU`); which of the two is
/// checked once every file is read ([`check_members`]).
fn member(text: &str) -> Result<Arc<str>, String> {
    let valid = (2..=8).contains(&text.len()) && text.chars().all(|ch| ch.is_ascii_uppercase());
    if !valid {
        return Err(format!("`{text}` is not a country code (`JP`) or a union id (`EU`)"));
    }
    Ok(Arc::from(text))
}

/// Every participant and deviation names a country code or a union of the KB.
pub(super) fn check_members(
    agreements: &[Agreement],
    unions: &BTreeMap<String, (Union, Body, Location)>,
    errors: &mut Vec<KbError>,
) {
    for agreement in agreements {
        let named = agreement
            .participants
            .iter()
            .map(|p| (&p.member, &p.provenance.location))
            .chain(agreement.deviations.iter().map(|d| (&d.member, &d.provenance.location)));
        for (member, location) in named {
            if Country::parse(member).is_err() && !unions.contains_key(&**member) {
                errors.push(KbError {
                    file: location.file.to_string(),
                    line: location.line,
                    message: format!(
                        "`{member}` is neither a country code nor a union of the KB (unions/<ID>.toml)"
                    ),
                });
            }
        }
    }
}

/// Derives the agreement's 0% into the tariff of every market that takes part (itself, or
/// through its customs union) for each fully covered subheading whose rate the market's tariff
/// (its first duty levy) does not establish: no rate covers it, or every rate that covers it or
/// one of its lines is unknown. A rate the tariff knows is never overridden, and a participant's
/// recorded deviation stops the derivation on its prefixes. An unknown rate for exactly the
/// subheading or one of its lines is replaced (its note is kept in the derived rate's note);
/// otherwise the derived rate is added for the subheading, where it is the most specific. A
/// member recorded departing from the agreement on other products gets low confidence.
pub(super) fn derive(agreement: &Agreement, markets: &mut BTreeMap<Country, Market>) {
    for market in markets.values_mut() {
        let participant = agreement.participants.iter().find(|p| {
            *p.member == *market.country.as_str() || market.union.as_deref() == Some(&*p.member)
        });
        let Some(participant) = participant else { continue };
        let Some(tariff) = market.levies.iter_mut().find(|levy| is_tariff(levy)) else { continue };
        for product in &agreement.products {
            let listed = match product.list {
                AgreementList::Original => participant.original,
                AgreementList::Expansion => {
                    participant.expansion && participant.expansion_complete.is_some()
                }
            };
            let deviates = agreement.deviations.iter().any(|d| {
                (d.member == participant.member || *d.member == *market.country.as_str())
                    && d.hs.iter().any(|prefix| {
                        product.hs.as_str().starts_with(prefix.as_str())
                            || prefix.as_str().starts_with(product.hs.as_str())
                    })
            });
            if !listed || deviates || product.scope != AgreementScope::Full {
                continue;
            }
            // A member recorded departing from the agreement on some products is trusted less on
            // the others.
            let departs = agreement
                .deviations
                .iter()
                .any(|d| d.member == participant.member || *d.member == *market.country.as_str());
            derive_rate(agreement, participant, product, market.country, departs, tariff);
        }
    }
}

/// The market's tariff: a duty on every origin and on new goods.
fn is_tariff(levy: &Levy) -> bool {
    levy.kind == LevyKind::Duty
        && levy.when.as_ref().is_none_or(|when| {
            when.origin.is_none()
                && when.shipped_from.is_none()
                && when.condition.as_ref().is_none_or(|c| c.contains(&Condition::New))
        })
}

fn derive_rate(
    agreement: &Agreement,
    participant: &Participant,
    product: &AgreementProduct,
    country: Country,
    departs: bool,
    tariff: &mut Levy,
) {
    let code = product.hs.as_str();
    let relevant = |rate: &LevyRate| {
        rate.origins.is_none()
            && rate.subdivisions.is_none()
            && rate
                .hs
                .as_ref()
                .is_none_or(|p| code.starts_with(p.as_str()) || p.as_str().starts_with(code))
    };
    if tariff.rates.iter().any(|rate| relevant(rate) && rate.value != RateValue::Unknown) {
        return;
    }
    let (list, from) = match product.list {
        AgreementList::Original => {
            ("the original agreement", participant.provenance.effective_from)
        }
        AgreementList::Expansion => ("its 2015 expansion", participant.expansion_complete),
    };
    let mut sources = agreement.provenance.sources.clone();
    for source in product.provenance.sources.iter().chain(&participant.provenance.sources) {
        if !sources.iter().any(|s| Arc::ptr_eq(s, source)) {
            sources.push(source.clone());
        }
    }
    let confidence = [
        if departs { Confidence::Low } else { Confidence::Medium },
        agreement.provenance.confidence,
        product.provenance.confidence,
        participant.provenance.confidence,
    ]
    .into_iter()
    .max()
    .unwrap_or(Confidence::Medium);
    let as_of = product.provenance.as_of.min(participant.provenance.as_of);
    let derived = |replaced: Option<&str>| {
        let mut note = format!(
            "Derived from the {}: {country} takes part in {list}{through}, which covers every product of HS {code}, so its bound and applied MFN duty is 0%; the national tariff's own rate was not read",
            agreement.name,
            through = if *participant.member == *country.as_str() {
                String::new()
            } else {
                format!(" as a member of the {}", participant.member)
            },
        );
        if departs {
            note.push_str(&format!(
                "; low confidence: {country} is recorded departing from the agreement on other products (see its deviations)"
            ));
        }
        if let Some(replaced) = replaced {
            note.push_str(". The national tariff: ");
            note.push_str(replaced);
        }
        Provenance {
            sources: sources.clone(),
            confidence,
            as_of,
            effective_from: from,
            effective_to: None,
            review_by: None,
            note: Some(note),
            location: product.provenance.location.clone(),
        }
    };
    let mut replaced_any = false;
    for rate in tariff.rates.iter_mut().filter(|rate| {
        rate.origins.is_none()
            && rate.subdivisions.is_none()
            && rate.hs.as_ref().is_some_and(|p| p.as_str().starts_with(code))
    }) {
        // An unknown rate for the subheading or one of its lines: the agreement settles it.
        rate.provenance = derived(rate.provenance.note.as_deref());
        rate.value = RateValue::Percent(Percent::ZERO);
        replaced_any = true;
    }
    if !replaced_any {
        tariff.rates.push(LevyRate {
            hs: Some(product.hs.clone()),
            origins: None,
            subdivisions: None,
            value: RateValue::Percent(Percent::ZERO),
            provenance: derived(None),
        });
    }
}
