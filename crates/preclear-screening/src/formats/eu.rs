//! The EU Financial Sanctions Files consolidated list, XML (`export` of `sanctionEntity`
//! elements, the data in attributes). Read per entity: its id (`euReferenceNumber`, else
//! `logicalId`), `subjectType` (`person`, `enterprise`), every `nameAlias` (`wholeName`, else
//! its first, middle and last names; `strong="false"` is a weak alias), the `regulation`s'
//! `programme`s, and the `countryIso2Code` of its `citizenship`s and `address`es (`00`, the
//! list's unknown, left out). Birth dates and places, identity documents, remarks and contact
//! details are not read.

use quick_xml::Reader;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};

use super::{ListRead, push_name, push_unique};
use crate::lists::{Entry, EntryKind, EntryName, ListError, ListId, bounded};

/// An entity being read.
struct EuEntity {
    id: String,
    kind: EntryKind,
    names: Vec<EntryName>,
    countries: Vec<String>,
    programs: Vec<String>,
}

/// An element's attributes, by local name, unescaped.
fn attributes(element: &BytesStart<'_>, position: u64) -> Result<Vec<(String, String)>, ListError> {
    let tag = element.local_name().as_ref().to_owned();
    let mut out = Vec::new();
    for attribute in element.attributes() {
        let attribute = attribute
            .map_err(|e| ListError(format!("the EU list, <{tag}> at byte {position}: {e}")))?;
        let key = attribute.key.local_name().as_ref().to_owned();
        let value = attribute.normalized_value(XmlVersion::Implicit1_0).map_err(|e| {
            ListError(format!("the EU list, <{tag}> at byte {position}, attribute {key}: {e}"))
        })?;
        out.push((key, value.trim().to_owned()));
    }
    Ok(out)
}

fn attribute<'a>(attributes: &'a [(String, String)], name: &str) -> &'a str {
    attributes.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

impl EuEntity {
    fn new(attributes: &[(String, String)]) -> EuEntity {
        let id = [attribute(attributes, "euReferenceNumber"), attribute(attributes, "logicalId")]
            .into_iter()
            .find(|id| !id.is_empty())
            .unwrap_or_default()
            .to_owned();
        EuEntity {
            id,
            kind: EntryKind::Entity,
            names: Vec::new(),
            countries: Vec::new(),
            programs: Vec::new(),
        }
    }

    /// Takes a child element of the entity.
    fn take(&mut self, tag: &str, attributes: &[(String, String)]) {
        match tag {
            "subjectType" => {
                let code = attribute(attributes, "code").to_ascii_lowercase();
                let class = attribute(attributes, "classificationCode").to_ascii_uppercase();
                self.kind = match (code.as_str(), class.as_str()) {
                    ("person", _) | (_, "P") => EntryKind::Person,
                    ("vessel", _) => EntryKind::Vessel,
                    ("aircraft", _) => EntryKind::Aircraft,
                    _ => EntryKind::Entity,
                };
            }
            "nameAlias" => {
                let whole = attribute(attributes, "wholeName");
                let name = if whole.is_empty() {
                    ["firstName", "middleName", "lastName"]
                        .iter()
                        .map(|part| attribute(attributes, part))
                        .filter(|part| !part.is_empty())
                        .collect::<Vec<_>>()
                        .join(" ")
                } else {
                    whole.to_owned()
                };
                let strong = !attribute(attributes, "strong").eq_ignore_ascii_case("false");
                push_name(&mut self.names, &name, strong);
            }
            "regulation" => push_unique(&mut self.programs, attribute(attributes, "programme")),
            "citizenship" | "address" => {
                if let Some(code) = super::iso2(attribute(attributes, "countryIso2Code")) {
                    push_unique(&mut self.countries, &code);
                }
            }
            _ => {}
        }
    }

    fn finish(mut self, read: &mut ListRead) {
        if self.names.is_empty() {
            read.skip("sanctionEntity elements without a name");
            return;
        }
        if self.id.is_empty() {
            read.skip("sanctionEntity elements without euReferenceNumber or logicalId");
            return;
        }
        // The primary name first: the first strong one.
        if let Some(at) = self.names.iter().position(|n| n.strong)
            && at > 0
        {
            let primary = self.names.remove(at);
            self.names.insert(0, primary);
        }
        read.entries.push(Entry {
            list: ListId::EuFinancialSanctions,
            id: self.id,
            kind: self.kind,
            names: self.names,
            countries: self.countries,
            programs: self.programs,
        });
    }
}

/// The EU Financial Sanctions Files consolidated list (XML).
pub fn read_eu(xml: &[u8]) -> Result<ListRead, ListError> {
    let mut reader = Reader::from_reader(bounded("the EU list", xml)?);
    let mut read = ListRead::default();
    let mut open: Vec<String> = Vec::new();
    let mut root_seen = false;
    let mut current: Option<EuEntity> = None;
    let mut buf = Vec::new();
    loop {
        let position = reader.buffer_position();
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            ListError(format!("the EU list at byte {}: {e}", reader.error_position()))
        })?;
        match event {
            Event::Start(ref element) | Event::Empty(ref element) => {
                let empty = matches!(event, Event::Empty(_));
                let tag = element.local_name().as_ref().to_owned();
                if !root_seen {
                    if tag != "export" {
                        return Err(ListError(format!(
                            "the EU list: the root element is <{tag}>, not <export> (is this \
                             the EU Financial Sanctions Files XML?)"
                        )));
                    }
                    root_seen = true;
                }
                if tag == "sanctionEntity" {
                    if current.is_some() {
                        return Err(ListError(format!(
                            "the EU list, <sanctionEntity> at byte {position}: inside another \
                             sanctionEntity"
                        )));
                    }
                    let entity = EuEntity::new(&attributes(element, position)?);
                    if empty {
                        entity.finish(&mut read);
                    } else {
                        current = Some(entity);
                    }
                } else if let Some(entity) = current.as_mut() {
                    entity.take(&tag, &attributes(element, position)?);
                }
                if !empty {
                    open.push(tag);
                }
            }
            Event::End(ref element) => {
                let tag = element.local_name().as_ref().to_owned();
                open.pop();
                if tag == "sanctionEntity"
                    && let Some(entity) = current.take()
                {
                    entity.finish(&mut read);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !root_seen {
        return Err(ListError("the EU list: no <export> element (empty file?)".to_owned()));
    }
    if let Some(tag) = open.last() {
        return Err(ListError(format!("the EU list ends inside <{tag}> (cut short?)")));
    }
    Ok(read)
}
