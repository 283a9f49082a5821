//! Who reads the import's messages. A message that asks for something the sheet lacks names
//! the way to give it in that reader's terms: a flag of the shell (`--reference`), a query
//! parameter of the API (`reference`), or a field of the web page ("Reference") — never a flag
//! on a web page.

/// The reader of the messages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Audience {
    /// `preclear import` and `preclear assess` in a shell.
    #[default]
    Shell,
    /// `POST /api/v1/imports`.
    Api,
    /// The import page of the web application.
    Web,
}

/// The web page's label of each particular, by its shell flag (without `--`).
const LABELS: &[(&str, &str)] = &[
    ("reference", "Reference"),
    ("client-name", "Client (seller) name"),
    ("client-country", "Client country"),
    ("local-entity-in-destination", "Client has its own entity in the destination"),
    ("origin", "Country of export"),
    ("destination", "Country of import"),
    ("currency", "Currency"),
    ("transport-mode", "Transport mode"),
    ("incoterm", "Incoterm"),
    ("purpose", "Purpose"),
    ("freight", "Freight"),
    ("insurance", "Insurance"),
    ("consignee-name", "Consignee name"),
    ("consignee-country", "Consignee country"),
    ("consignee-address", "Consignee address"),
    ("condition", "Condition of lines that state none"),
    ("category", "Category of lines that state none"),
];

impl Audience {
    /// A particular, named as this reader gives it, from its shell flag (`--client-name`):
    /// `--client-name`, `client_name`, or “Client (seller) name”.
    pub fn name(self, flag: &str) -> String {
        let key = flag.trim_start_matches('-');
        match self {
            Audience::Shell => format!("--{key}"),
            Audience::Api => format!("`{}`", key.replace('-', "_")),
            Audience::Web => {
                let label = LABELS.iter().find(|(k, _)| *k == key).map_or(key, |(_, l)| l);
                format!("“{label}”")
            }
        }
    }

    /// How to give a particular the sheet lacks: `pass --reference`, `give the parameter
    /// `reference``, `fill in “Reference”`.
    pub fn give(self, flag: &str) -> String {
        match self {
            Audience::Shell => format!("pass {}", self.name(flag)),
            Audience::Api => format!("give the parameter {}", self.name(flag)),
            Audience::Web => format!("fill in {}", self.name(flag)),
        }
    }

    /// How to say which column holds a field, with an example (`quantity=D`).
    pub fn map_hint(self, example: &str) -> String {
        match self {
            Audience::Shell => {
                let flags: Vec<String> = example.split(' ').map(|e| format!("--map {e}")).collect();
                format!("name the columns with --map, e.g. {}", flags.join(" "))
            }
            Audience::Api => format!(
                "name the columns with the parameter `map`, e.g. `map={}`",
                example.replace(' ', ";")
            ),
            Audience::Web => {
                "choose the header row and what each column holds in the grid below".to_owned()
            }
        }
    }

    /// A column assignment as the reader wrote it: `--map quantity=D`, `map=quantity=D`, or
    /// “Column D is read as quantity”.
    pub fn assignment(self, field: &str, column: &str) -> String {
        match self {
            Audience::Shell => format!("--map {field}={column}"),
            Audience::Api => format!("`map={field}={column}`"),
            Audience::Web => {
                let column = if column == "COLUMN" {
                    "a column".to_owned()
                } else {
                    format!("column {column}")
                };
                format!("read {column} as “{}” on this page", field.replace('_', " "))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_reader_is_told_its_own_way() {
        assert_eq!(Audience::Shell.give("--client-name"), "pass --client-name");
        assert_eq!(Audience::Api.give("--client-name"), "give the parameter `client_name`");
        assert_eq!(Audience::Web.give("--client-name"), "fill in “Client (seller) name”");
        assert!(
            Audience::Shell
                .map_hint("quantity=D description=B")
                .contains("--map quantity=D --map description=B")
        );
        assert!(
            Audience::Api
                .map_hint("quantity=D description=B")
                .contains("map=quantity=D;description=B")
        );
        assert!(!Audience::Web.map_hint("quantity=D").contains("--"));
        // Every particular the assembler asks for has a label on the page.
        for (key, label) in LABELS {
            assert_eq!(Audience::Web.name(&format!("--{key}")), format!("“{label}”"));
        }
    }
}
