//! Chinese and English text through Fluent. A missing message shows its id, never panics.

use crate::config::Language;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// Every resource, per language, in load order.
const EN: &[&str] = &[
    include_str!("../assets/i18n/en.ftl"),
    include_str!("../assets/i18n/receipt.en.ftl"),
    include_str!("../assets/i18n/login.en.ftl"),
    include_str!("../assets/i18n/settings.en.ftl"),
    include_str!("../assets/i18n/sale-tools.en.ftl"),
    include_str!("../assets/i18n/trust.en.ftl"),
    include_str!("../assets/i18n/incident.en.ftl"),
    include_str!("../assets/i18n/incident-ui.en.ftl"),
    include_str!("../assets/i18n/training.en.ftl"),
];
const ZH: &[&str] = &[
    include_str!("../assets/i18n/zh-CN.ftl"),
    include_str!("../assets/i18n/receipt.zh-CN.ftl"),
    include_str!("../assets/i18n/login.zh-CN.ftl"),
    include_str!("../assets/i18n/settings.zh-CN.ftl"),
    include_str!("../assets/i18n/sale-tools.zh-CN.ftl"),
    include_str!("../assets/i18n/trust.zh-CN.ftl"),
    include_str!("../assets/i18n/incident.zh-CN.ftl"),
    include_str!("../assets/i18n/incident-ui.zh-CN.ftl"),
    include_str!("../assets/i18n/training.zh-CN.ftl"),
];

pub struct I18n {
    bundle: FluentBundle<FluentResource>,
    language: Language,
}

impl I18n {
    pub fn new(language: Language) -> I18n {
        let (sources, tag) = match language {
            Language::Zh => (ZH, unic_langid::langid!("zh-CN")),
            Language::En => (EN, unic_langid::langid!("en")),
        };
        let mut bundle = FluentBundle::new_concurrent(vec![tag]);
        // Isolation marks would show as boxes on receipts and in the UI font.
        bundle.set_use_isolating(false);
        for source in sources {
            // The resources are compiled in and checked by tests; a parse error keeps the good entries.
            let resource = FluentResource::try_new((*source).to_string()).unwrap_or_else(|(partial, _)| partial);
            let _ = bundle.add_resource(resource);
        }
        I18n { bundle, language }
    }

    pub fn language(&self) -> Language {
        self.language
    }

    pub fn t(&self, id: &str) -> String {
        self.t_args(id, &[])
    }

    pub fn t_args(&self, id: &str, args: &[(&str, String)]) -> String {
        let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) else {
            return id.to_string();
        };
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, FluentValue::from(value.clone()));
        }
        let mut errors = Vec::new();
        self.bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors)
            .into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn ids(sources: &[&str]) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for source in sources {
            let resource = FluentResource::try_new((*source).to_string()).expect("resource parses");
            for entry in resource.entries() {
                if let fluent_syntax::ast::Entry::Message(m) = entry {
                    out.insert(m.id.name.to_string());
                }
            }
        }
        out
    }

    #[test]
    fn both_languages_have_the_same_messages() {
        let en = ids(EN);
        let zh = ids(ZH);
        assert_eq!(
            en.difference(&zh).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "missing in zh-CN"
        );
        assert_eq!(
            zh.difference(&en).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "missing in en"
        );
    }

    #[test]
    fn formats_with_arguments_and_falls_back_to_the_id() {
        let zh = I18n::new(Language::Zh);
        assert_eq!(
            zh.t_args("receipt-number", &[("number", "000012".into())]),
            "单号 000012"
        );
        assert_eq!(I18n::new(Language::En).t("receipt-total"), "TOTAL");
        assert_eq!(zh.t("no-such-message"), "no-such-message");
    }
}
