//! The words that name a category of IT hardware in free text ("Dell PowerEdge R740,
//! generalüberholt" is a server), as the KB states them in `shared/categories.toml`, each entry
//! with its sources. The spreadsheet import, the document audit and (later) the classifier read
//! this one vocabulary; matching is on [`fold_text`](crate::text::fold_text)ed words.
//!
//! Entries are tried in the KB's order, most specific first; the first that matches names the
//! category. An entry matches when the text holds one of its words or phrases, and — when it
//! says `with` — also a word or phrase of that other category's entries (a GPU word with a
//! server word is a GPU server).

use crate::Category;
use crate::text::fold_text;

/// One entry of the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryTerms {
    /// The entry's id (`category.gpu-server-gpu-words`).
    pub id: String,
    /// The category it names.
    pub category: Category,
    /// Single words, folded.
    pub words: Vec<String>,
    /// Phrases of several words, folded, each as its words.
    pub phrases: Vec<Vec<String>>,
    /// Another category whose words must also appear.
    pub with: Option<Category>,
}

/// The vocabulary, in the order entries are tried.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CategoryVocabulary {
    /// The entries.
    pub entries: Vec<CategoryTerms>,
}

impl CategoryTerms {
    /// Whether the folded words hold one of this entry's words or phrases.
    fn names(&self, words: &[&str]) -> bool {
        self.words.iter().any(|w| words.contains(&w.as_str()))
            || self.phrases.iter().any(|phrase| {
                !phrase.is_empty()
                    && words.windows(phrase.len()).any(|window| {
                        window.iter().zip(phrase).all(|(have, want)| *have == want.as_str())
                    })
            })
    }
}

impl CategoryVocabulary {
    /// The entry that names the category of a description, if one does.
    pub fn infer(&self, description: &str) -> Option<&CategoryTerms> {
        let folded = fold_text(description);
        let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
        self.entries.iter().find(|entry| {
            entry.names(&words)
                && entry.with.is_none_or(|with| {
                    self.entries.iter().any(|other| {
                        other.category == with && other.with.is_none() && other.names(&words)
                    })
                })
        })
    }

    /// A term as the vocabulary stores it: folded, and split into words for a phrase. `None`
    /// for a term that folds to nothing.
    pub fn term(text: &str) -> Option<Vec<String>> {
        let folded = fold_text(text);
        let words: Vec<String> =
            folded.split(' ').filter(|w| !w.is_empty()).map(str::to_owned).collect();
        (!words.is_empty()).then_some(words)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(
        id: &str,
        category: Category,
        terms: &[&str],
        with: Option<Category>,
    ) -> CategoryTerms {
        let (mut words, mut phrases) = (Vec::new(), Vec::new());
        for term in terms {
            let split = CategoryVocabulary::term(term).unwrap_or_default();
            if split.len() == 1 {
                words.extend(split);
            } else {
                phrases.push(split);
            }
        }
        CategoryTerms { id: id.to_owned(), category, words, phrases, with }
    }

    #[test]
    fn the_first_entry_that_matches_names_the_category() {
        let vocabulary = CategoryVocabulary {
            entries: vec![
                entry("gpu-server", Category::GpuServer, &["H100", "GPU"], Some(Category::Server)),
                entry("gpu", Category::GpuAccelerator, &["H100", "GPU", "tensor core"], None),
                entry("server", Category::Server, &["server", "Sunucu", "PowerEdge"], None),
            ],
        };
        let named = |text: &str| vocabulary.infer(text).map(|e| e.category);
        assert_eq!(named("Dell PowerEdge R740, generalüberholt"), Some(Category::Server));
        assert_eq!(named("SUNUCU 1U"), Some(Category::Server), "folded");
        assert_eq!(named("8x H100 server"), Some(Category::GpuServer), "with a server word");
        assert_eq!(named("H100 PCIe card"), Some(Category::GpuAccelerator), "without one");
        assert_eq!(named("NVIDIA Tensor Core module"), Some(Category::GpuAccelerator), "a phrase");
        assert_eq!(named("tensor"), None, "half a phrase is not the phrase");
        assert_eq!(named("power edge"), None, "words are whole");
    }
}
