//! A set of lists as deployed: for each list format at most one list, with its publication date
//! and its files. A set is a dataset version (its [`ListSet::version`] is the hash of its
//! canonical JSON, which the service stores); every screening result names the version and
//! the lists it used. The bundled snapshots are a set too ([`ListSet::bundled`]).
//!
//! Files are held as text: a file that is not UTF-8 is read as Latin-1 (as the readers read a
//! cell that is not UTF-8), so the stored body and its hash are the same on every machine.

use serde::{Deserialize, Serialize};
use sha2::Digest as _;

use crate::formats::{ListFile, ListFormat, ListRead, Skipped, read};
use crate::lists::{Entry, ListError, ListId, MAX_LIST_BYTES};
use crate::matching::Screener;

/// One file of a deployed list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetFile {
    /// The file's name as given (`sdn.csv`).
    pub name: String,
    /// Its text.
    pub text: String,
}

/// One list of a set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetList {
    /// Its format's name (`un-xml`).
    pub format: String,
    /// When its publisher published it (YYYY-MM-DD), as the deployer states it.
    pub published: String,
    /// Its files, in the order [`ListFormat::files`] gives.
    pub files: Vec<SetFile>,
}

/// Lists deployed together: at most one per format, in the order of [`ListFormat::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ListSet {
    /// A label that says what the set is when it is not what a deployer chose (`bundled
    /// snapshots`), or empty.
    #[serde(default)]
    pub label: String,
    /// The lists.
    pub lists: Vec<SetList>,
}

/// What one list of a set gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListSummary {
    /// The format.
    pub format: ListFormat,
    /// Its publication date.
    pub published: String,
    /// How many entries it gave.
    pub entries: usize,
    /// What it left out.
    pub skipped: Vec<Skipped>,
}

/// A set read and indexed: what an assessment screens with, and what it names (the set's
/// version and description).
#[derive(Debug)]
pub struct Lists {
    /// The set's version ([`ListSet::version`]).
    pub version: String,
    /// What the set is ([`ListSet::describe`]).
    pub description: String,
    /// Each list's format and publication date (YYYY-MM-DD), for freshness.
    pub published: Vec<(String, String)>,
    /// Its entries, indexed.
    pub screener: Screener,
}

impl Lists {
    /// Reads and indexes a set.
    pub fn load(set: &ListSet) -> Result<Lists, ListError> {
        let (entries, _) = set.read()?;
        Ok(Lists {
            version: set.version(),
            description: set.describe(),
            published: set.lists.iter().map(|l| (l.format.clone(), l.published.clone())).collect(),
            screener: Screener::new(entries),
        })
    }

    /// The bundled snapshots, read and indexed.
    pub fn bundled() -> Result<Lists, ListError> {
        Lists::load(&ListSet::bundled())
    }
}

/// What changed between two versions of the lists, entry by entry (an entry is its list and
/// id; it changed when its fingerprint did): what a new version is screened for again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delta {
    /// Entries of the new version that the old did not have.
    pub added: Vec<Entry>,
    /// Entries of the new version whose listing changed (names, countries, programs).
    pub changed: Vec<Entry>,
    /// Entries of the old version that the new does not have: `(list, id)`.
    pub removed: Vec<(ListId, String)>,
}

/// The entries that differ between `old` and `new`.
pub fn delta(old: &[Entry], new: &[Entry]) -> Delta {
    use std::collections::HashMap;
    let fingerprints: HashMap<(ListId, &str), String> = old
        .iter()
        .map(|e| ((e.list, e.id.as_str()), crate::identity::entry_fingerprint(e)))
        .collect();
    let mut out = Delta::default();
    let mut seen: std::collections::HashSet<(ListId, &str)> = std::collections::HashSet::new();
    for entry in new {
        let key = (entry.list, entry.id.as_str());
        seen.insert(key);
        match fingerprints.get(&key) {
            None => out.added.push(entry.clone()),
            Some(print) if *print != crate::identity::entry_fingerprint(entry) => {
                out.changed.push(entry.clone());
            }
            Some(_) => {}
        }
    }
    out.removed = old
        .iter()
        .filter(|e| !seen.contains(&(e.list, e.id.as_str())))
        .map(|e| (e.list, e.id.clone()))
        .collect();
    out
}

/// A file's bytes as text: UTF-8 as it is, anything else read as Latin-1.
pub fn text_of(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

impl SetList {
    /// A list of `format` published on `published` (YYYY-MM-DD) from its files; the number
    /// of files, their sizes and the date are checked, not their contents ([`ListSet::read`]
    /// reads them).
    pub fn new(
        format: ListFormat,
        published: &str,
        files: Vec<(String, Vec<u8>)>,
    ) -> Result<SetList, ListError> {
        let published = published.trim();
        let date_like = published.len() == 10
            && published
                .bytes()
                .enumerate()
                .all(|(at, b)| if at == 4 || at == 7 { b == b'-' } else { b.is_ascii_digit() });
        if !date_like {
            return Err(ListError(format!(
                "publication date `{published}` is not a date (YYYY-MM-DD)"
            )));
        }
        let roles = format.files();
        if files.len() != roles.len() {
            return Err(ListError(format!(
                "the {format} format takes {} file(s) ({}); {} given",
                roles.len(),
                roles.join(", "),
                files.len()
            )));
        }
        let mut set_files = Vec::with_capacity(files.len());
        for (name, bytes) in files {
            if bytes.len() > MAX_LIST_BYTES {
                return Err(ListError(format!(
                    "{name}: {} bytes; a list file may have at most {MAX_LIST_BYTES}",
                    bytes.len()
                )));
            }
            set_files.push(SetFile { name, text: text_of(&bytes) });
        }
        Ok(SetList {
            format: format.name().to_owned(),
            published: published.to_owned(),
            files: set_files,
        })
    }

    /// The list's format.
    pub fn list_format(&self) -> Result<ListFormat, ListError> {
        self.format.parse()
    }
}

impl ListSet {
    /// The snapshots bundled with preclear (`data/SOURCE.md`), as a set.
    pub fn bundled() -> ListSet {
        let file =
            |name: &str, bytes: &[u8]| SetFile { name: name.to_owned(), text: text_of(bytes) };
        let list = |format: ListFormat, published: &str, files: Vec<SetFile>| SetList {
            format: format.name().to_owned(),
            published: published.to_owned(),
            files,
        };
        ListSet {
            label: "bundled snapshots, not current lists".to_owned(),
            lists: vec![
                list(
                    ListFormat::UnXml,
                    "2026-02-27",
                    vec![file(
                        "un-consolidated-2026-02-27.xml",
                        include_bytes!("../data/un-consolidated-2026-02-27.xml"),
                    )],
                ),
                list(
                    ListFormat::OfacSdnCsv,
                    "2021-01-01",
                    vec![
                        file("ofac-sdn-2021.csv", include_bytes!("../data/ofac-sdn-2021.csv")),
                        file(
                            "ofac-sdn-alt-2025.csv",
                            include_bytes!("../data/ofac-sdn-alt-2025.csv"),
                        ),
                        file(
                            "ofac-sdn-add-2025.csv",
                            include_bytes!("../data/ofac-sdn-add-2025.csv"),
                        ),
                    ],
                ),
                list(
                    ListFormat::OfacConsolidatedCsv,
                    "2025-12-01",
                    vec![
                        file(
                            "ofac-cons-prim-2025.csv",
                            include_bytes!("../data/ofac-cons-prim-2025.csv"),
                        ),
                        file(
                            "ofac-cons-alt-2025.csv",
                            include_bytes!("../data/ofac-cons-alt-2025.csv"),
                        ),
                        file(
                            "ofac-cons-add-2025.csv",
                            include_bytes!("../data/ofac-cons-add-2025.csv"),
                        ),
                    ],
                ),
                list(
                    ListFormat::UsCslCsv,
                    "2019-01-01",
                    vec![file(
                        "us-csl-sample-2019.csv",
                        include_bytes!("../data/us-csl-sample-2019.csv"),
                    )],
                ),
                list(
                    ListFormat::BisDplTxt,
                    "2022-01-01",
                    vec![file(
                        "bis-denied-persons-2022.txt",
                        include_bytes!("../data/bis-denied-persons-2022.txt"),
                    )],
                ),
            ],
        }
    }

    /// This set with `list` in place of the list of its format (or added), in the order of
    /// [`ListFormat::ALL`]; a deployer's set has no label.
    pub fn with(&self, list: SetList) -> ListSet {
        let mut lists: Vec<SetList> =
            self.lists.iter().filter(|l| l.format != list.format).cloned().collect();
        lists.push(list);
        let rank = |l: &SetList| {
            ListFormat::ALL.iter().position(|f| f.name() == l.format).unwrap_or(usize::MAX)
        };
        lists.sort_by_key(rank);
        ListSet { label: String::new(), lists }
    }

    /// The set's canonical JSON: what is stored, and what the version hashes.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A set from its stored JSON.
    pub fn from_json(text: &str) -> Result<ListSet, ListError> {
        serde_json::from_str(text)
            .map_err(|e| ListError(format!("a stored list set does not read: {e}")))
    }

    /// The content version: `sha256:` and the first 16 hex digits of the hash of
    /// [`ListSet::to_json`].
    pub fn version(&self) -> String {
        let hash = sha2::Sha256::digest(self.to_json().as_bytes());
        let hex: String = hash.iter().take(8).map(|b| format!("{b:02x}")).collect();
        format!("lists-sha256:{hex}")
    }

    /// What the set is, for a result to state (`UN Security Council Consolidated List
    /// (un-xml) of 2026-02-27; …`).
    pub fn describe(&self) -> String {
        let lists: Vec<String> =
            self.lists.iter().map(|l| format!("{} of {}", l.format, l.published)).collect();
        if self.label.is_empty() {
            lists.join(", ")
        } else {
            format!("{}: {}", self.label, lists.join(", "))
        }
    }

    /// Reads every list: the entries (a Denied Persons file makes the CSL's Denied Persons rows
    /// redundant, and they are left out) and what each list gave. An error names the list and
    /// the file.
    pub fn read(&self) -> Result<(Vec<Entry>, Vec<ListSummary>), ListError> {
        let has_dpl = self.lists.iter().any(|l| l.format == ListFormat::BisDplTxt.name());
        let mut entries = Vec::new();
        let mut summaries = Vec::with_capacity(self.lists.len());
        for list in &self.lists {
            let format = list.list_format()?;
            let files: Vec<ListFile<'_>> = list
                .files
                .iter()
                .map(|f| ListFile { name: &f.name, bytes: f.text.as_bytes() })
                .collect();
            let ListRead { entries: read_entries, skipped } =
                read(format, &files).map_err(|e| ListError(format!("{format}: {e}")))?;
            let before = entries.len();
            let csl = matches!(format, ListFormat::UsCslCsv | ListFormat::UsCslCsvAll);
            entries.extend(
                read_entries
                    .into_iter()
                    .filter(|e| !(has_dpl && csl && e.list == ListId::BisDeniedPersons)),
            );
            summaries.push(ListSummary {
                format,
                published: list.published.clone(),
                entries: entries.len() - before,
                skipped,
            });
        }
        Ok((entries, summaries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_set_reads_as_the_bundled_lists() {
        let set = ListSet::bundled();
        let (entries, summaries) = set.read().expect("the bundled set reads");
        let formats: Vec<&str> = summaries.iter().map(|s| s.format.name()).collect();
        assert_eq!(
            formats,
            ["un-xml", "ofac-sdn-csv", "ofac-consolidated-csv", "us-csl-csv", "bis-dpl-txt"]
        );
        assert_eq!(entries.len(), summaries.iter().map(|s| s.entries).sum::<usize>());
        // The CSL's Denied Persons rows are left out: the 2022 file has them.
        assert!(summaries.iter().all(|s| s.entries > 0));
        let dpl = entries.iter().filter(|e| e.list == ListId::BisDeniedPersons).count();
        assert_eq!(dpl, summaries[4].entries);
        assert!(
            set.describe()
                .starts_with("bundled snapshots, not current lists: un-xml of 2026-02-27")
        );
        let again = ListSet::from_json(&set.to_json()).expect("round trip");
        assert_eq!(again, set);
        assert_eq!(again.version(), set.version());
        assert!(set.version().starts_with("lists-sha256:") && set.version().len() == 29);
    }

    #[test]
    fn a_list_replaces_its_format_s_and_changes_the_version() {
        let set = ListSet::bundled();
        let un = SetList::new(
            ListFormat::UnXml,
            "2026-12-01",
            vec![(
                "consolidated.xml".into(),
                b"<CONSOLIDATED_LIST><INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>".to_vec(),
            )],
        )
        .expect("a list");
        let next = set.with(un);
        assert_eq!(next.lists.len(), 5);
        assert_eq!(next.lists[0].published, "2026-12-01", "in the order of the formats");
        assert!(next.label.is_empty());
        assert_ne!(next.version(), set.version());
        assert!(!next.describe().contains("bundled"));
        assert!(SetList::new(ListFormat::UnXml, "1 Dec 2026", vec![("x".into(), vec![])]).is_err());
        let two = SetList::new(
            ListFormat::UnXml,
            "2026-12-01",
            vec![("a".into(), vec![]), ("b".into(), vec![])],
        );
        assert!(two.unwrap_err().0.contains("takes 1 file(s)"));
    }

    #[test]
    fn the_delta_names_added_changed_and_removed_entries() {
        use crate::lists::{EntryKind, EntryName};
        let entry = |id: &str, name: &str| Entry {
            list: ListId::UnConsolidated,
            id: id.into(),
            kind: EntryKind::Entity,
            names: vec![EntryName { text: name.into(), strong: true }],
            countries: vec![],
            programs: vec![],
        };
        let old = vec![entry("1", "ALPHA"), entry("2", "BETA"), entry("3", "GAMMA")];
        let new = vec![entry("1", "ALPHA"), entry("2", "BETA TRADING"), entry("4", "DELTA")];
        let d = delta(&old, &new);
        assert_eq!(d.added, vec![entry("4", "DELTA")]);
        assert_eq!(d.changed, vec![entry("2", "BETA TRADING")]);
        assert_eq!(d.removed, vec![(ListId::UnConsolidated, "3".to_owned())]);
        assert_eq!(delta(&old, &old), Delta::default());
    }

    #[test]
    fn latin_1_files_read_as_text() {
        assert_eq!(text_of(b"Caf\xe9"), "Café");
        assert_eq!(text_of("Café".as_bytes()), "Café");
    }
}
