//! JSON Schema for scenario and ruleset files, generated from the serde types, so that an
//! editor (VS Code with Even Better TOML, or the Taplo CLI) completes keys, shows what
//! each one means and flags typos while the file is typed. The generated files are
//! committed under `schema/`; `pcsim schema scenario|ruleset` prints them, and a test
//! fails when they drift from the types.
//!
//! The schema is a helper for editors, not the validator: pcsim's own checks (across
//! fields, against the ruleset's catalog) stay the authority. It is written for JSON
//! Schema draft 7, which Taplo reads.

use std::borrow::Cow;

use schemars::generate::SchemaSettings;
use schemars::transform::transform_subschemas;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use crate::month::{DayOrMonth, Month};
use crate::rules::{AtLeastACent, Band, Count, NonNegative, Ruleset, Share, WindowMonths};
use crate::scenario::model::{
    ChangeOp, Cost, Every, GroupCount, Horizon, Level, MAX_COUNT, MAX_MONTHS, MAX_USES,
    Probability, ScenarioFile, Uses,
};

/// Which file a schema describes, for `pcsim schema`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// A scenario file (schema/scenario.schema.json)
    Scenario,
    /// A ruleset file (schema/ruleset.schema.json)
    Ruleset,
}

/// The schema of `kind`, as pretty JSON ending in a newline.
pub fn of(kind: Kind) -> String {
    match kind {
        Kind::Scenario => scenario(),
        Kind::Ruleset => ruleset(),
    }
}

/// The JSON Schema of a scenario file.
pub fn scenario() -> String {
    render::<ScenarioFile>()
}

/// The JSON Schema of a ruleset file.
pub fn ruleset() -> String {
    render::<Ruleset>()
}

fn render<T: JsonSchema>() -> String {
    let schema = SchemaSettings::draft07()
        .with(|s| s.transforms.push(Box::new(no_null)))
        .into_generator()
        .into_root_schema_for::<T>();
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema is plain JSON");
    text.push('\n');
    text
}

/// TOML has no null: a key that may be left out is just left out. schemars makes every
/// `Option` nullable and gives `"default": null` to optional keys; both only mislead an
/// editor, so they go.
fn no_null(schema: &mut Schema) {
    if let Some(obj) = schema.as_object_mut() {
        if obj.get("default").is_some_and(|d| d.is_null()) {
            obj.remove("default");
        }
        if let Some(serde_json::Value::Array(types)) = obj.get_mut("type") {
            types.retain(|t| t != "null");
            if types.len() == 1 {
                let only = types.remove(0);
                obj.insert("type".into(), only);
            }
        }
        if let Some(serde_json::Value::Array(any)) = obj.get_mut("anyOf") {
            any.retain(|s| s.get("type").is_none_or(|t| t != "null"));
            if any.len() == 1
                && let Some(serde_json::Value::Object(only)) = any.pop()
            {
                obj.remove("anyOf");
                for (k, v) in only {
                    obj.entry(k).or_insert(v);
                }
            }
        }
    }
    transform_subschemas(&mut no_null, schema);
}

/// A scalar written in place wherever it is used, so that hovering a key shows its shape.
macro_rules! scalar {
    ($type:ty, $schema:tt) => {
        impl JsonSchema for $type {
            fn inline_schema() -> bool {
                true
            }
            fn schema_name() -> Cow<'static, str> {
                stringify!($type).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!($schema)
            }
        }
    };
}

/// Numbers in a closed range: `Type: "number" or "integer", least, most;`.
macro_rules! ranged {
    ($($type:ty: $kind:literal, $min:expr, $max:expr;)*) => {
        $(scalar!($type, { "type": $kind, "minimum": $min, "maximum": $max });)*
    };
}

/// The largest level, cost or change pcsim accepts (`MAX_LEVEL`).
const MAX_LEVEL: i64 = 1_000_000_000;

/// A month in quotes, years 1900 to 9999.
const MONTH: &str = r"^(19|[2-9][0-9])[0-9]{2}-(0[1-9]|1[0-2])$";
/// A month or a day.
const DAY_OR_MONTH: &str = r"^(19|[2-9][0-9])[0-9]{2}-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?$";
/// The text forms of a change; spaces and underscores inside are ignored, as pcsim does.
const CHANGE: &str =
    r"^[0-9][0-9_ ]*(\.[0-9_ ]*)?$|^[+-] *[0-9][0-9_ ]*(\.[0-9_ ]*)?(% *)?(/ *month *)?$";

scalar!(Month, {
    "type": "string",
    "pattern": MONTH,
    "description": "A month in quotes, \"YYYY-MM\", such as \"2027-03\"."
});
scalar!(DayOrMonth, {
    "type": "string",
    "pattern": DAY_OR_MONTH,
    "description": "A day \"YYYY-MM-DD\" or a month \"YYYY-MM\" (or an unquoted TOML date)."
});
scalar!(ChangeOp, {
    "anyOf": [
        { "type": "number", "minimum": 0, "maximum": MAX_LEVEL },
        { "type": "string", "pattern": CHANGE }
    ],
    "description": "A number sets the level; \"+10\" or \"-10\" adds once; \"+5%\" changes once; \"+10/month\" or \"+3%/month\" every month through `until`."
});
ranged! {
    Level: "number", 0, MAX_LEVEL;
    Cost: "number", 0, MAX_LEVEL;
    Probability: "number", 0, 1;
    Share: "number", 0, 1;
    Uses: "integer", 1, MAX_USES;
    Horizon: "integer", 1, MAX_MONTHS;
    GroupCount: "integer", 1, MAX_COUNT;
    Every: "integer", 0, MAX_MONTHS;
    Count: "integer", 1, u32::MAX;
    WindowMonths: "integer", 1, 12;
}
scalar!(NonNegative, { "type": "number", "minimum": 0 });
scalar!(AtLeastACent, { "type": "number", "minimum": 0.01 });
scalar!(Band, {
    "type": "object",
    "description": "A range of a tenant fact: one or two of `above`, `at_least` (the lower end) and `below`, `at_most` (the upper end).",
    "properties": {
        "above": { "type": "number", "description": "more than this" },
        "at_least": { "type": "number", "description": "this or more" },
        "below": { "type": "number", "description": "less than this" },
        "at_most": { "type": "number", "description": "this or less" }
    },
    "additionalProperties": false,
    "minProperties": 1,
    "allOf": [
        { "not": { "required": ["above", "at_least"] } },
        { "not": { "required": ["below", "at_most"] } }
    ]
});
