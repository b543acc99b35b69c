//! Run files in the browser (docs/run-format.md, "The file"): written and
//! read with the browser's own JSON (`JSON.stringify`, `JSON.parse`), the
//! parsed value read as the simulator's [`RunFile`] with
//! serde-wasm-bindgen. No JSON parser is compiled in. The page writes
//! files (Export); its worker reads them (`crate::worker::open_file`) and
//! hands the run over as a share link's text, so the page carries no
//! second set of decoders beside the link's. The checks are the simulator's, the same as
//! `sim::share::from_json`'s ([`check_text`], [`check_header`],
//! [`RunFile::into_record`]).
//!
//! Whole numbers past 2^53 (a seed may be one) cross as BigInts, so they
//! are read and written exactly: `JSON.parse` hands the reviver each
//! number's text, and `JSON.rawJSON` writes a BigInt's digits.

use js_sys::{Array, BigInt, Function, JsString, Number, Object, Reflect};
use serde::de::{value::Error as NotedError, DeserializeOwned, Deserializer, Error, Visitor};
use serde::Serialize;
use sim::share::{check_header, check_text, RunFile};
use sim::{Moment, Recorded, RunRecord};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// `JSON.parse(text, reviver)`.
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    fn parse(text: &str, reviver: &Function) -> Result<JsValue, JsValue>;

    /// `JSON.stringify(value, replacer, space)`.
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = stringify)]
    fn stringify(value: &JsValue, replacer: &Function, space: u32) -> Result<JsString, JsValue>;
}

/// The record as a run file: JSON indented by two spaces, always written
/// as the format's current version.
pub fn to_file(record: &RunRecord) -> Result<String, String> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible()
        .serialize_large_number_types_as_bigints(true);
    let problem = |e: String| format!("the browser could not write the run file: {e}");
    let value = RunFile::new(record).serialize(&serializer).map_err(|e| problem(e.to_string()))?;
    write_json(&value, 2).map_err(|e| problem(message(&e)))
}

/// Read a run file, checked by [`sim::RunRecord::validate`]. The message
/// says what is wrong with it.
pub fn from_file(text: &str) -> Result<RunRecord, String> {
    check_text(text)?;
    let reviver = Closure::<dyn FnMut(JsValue, JsValue, JsValue) -> JsValue>::new(
        |_key: JsValue, value: JsValue, context: JsValue| exact_integer(value, &context),
    );
    let value = parse(text, reviver.as_ref().unchecked_ref())
        .map_err(|e| format!("the run file is not valid JSON: {}", message(&e)))?;
    let format = header_field(&value, "format");
    let version = header_field(&value, "version");
    check_header(format.as_deref(), version.as_deref())?;
    refuse_unknown_fields(&value)?;
    let file: RunFile = serde_wasm_bindgen::from_value(value)
        .map_err(|e| format!("the run file cannot be read: {e}"))?;
    file.into_record()
}

/// Refuse a field that the file, a moment or a recorded action does not
/// have, as `sim::share::from_json` does (their `deny_unknown_fields`):
/// serde-wasm-bindgen reads an object's known fields and never sees the
/// others.
fn refuse_unknown_fields(file: &JsValue) -> Result<(), String> {
    let field = |value: &JsValue, name: &str| Reflect::get(value, &name.into()).unwrap_or_default();
    known_fields::<RunFile>(file)?;
    known_fields::<Moment>(&field(file, "at"))?;
    known_fields::<Moment>(&field(file, "end"))?;
    let actions = field(file, "actions");
    if Array::is_array(&actions) {
        for recorded in actions.unchecked_into::<Array>().iter() {
            known_fields::<Recorded>(&recorded)?;
            known_fields::<Moment>(&field(&recorded, "at"))?;
        }
    }
    Ok(())
}

/// Are `value`'s keys, if it is an object, fields of `T`? (Any other value
/// is named by serde-wasm-bindgen as the wrong type.)
fn known_fields<T: DeserializeOwned>(value: &JsValue) -> Result<(), String> {
    if !value.is_object() || Array::is_array(value) {
        return Ok(());
    }
    let fields = fields_of::<T>();
    for key in Object::keys(value.unchecked_ref::<Object>()).iter() {
        let key = key.as_string().unwrap_or_default();
        if !fields.contains(&key.as_str()) {
            let e = NotedError::unknown_field(&key, fields);
            return Err(format!("the run file cannot be read: {e}"));
        }
    }
    Ok(())
}

/// The fields struct `T`'s derived `Deserialize` reads, found by letting it
/// ask a deserializer that only notes them.
fn fields_of<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(FieldNames(&mut fields));
    fields
}

/// A deserializer that notes the fields a struct asks for, and reads
/// nothing.
struct FieldNames<'a>(&'a mut &'static [&'static str]);

impl<'de> Deserializer<'de> for FieldNames<'_> {
    type Error = NotedError;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, NotedError> {
        Err(NotedError::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, NotedError> {
        *self.0 = fields;
        Err(NotedError::custom("fields noted"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// `JSON.stringify` with BigInts written as their digits (`space`: the
/// indent, 0 for compact JSON).
fn write_json(value: &JsValue, space: u32) -> Result<String, JsValue> {
    let replacer =
        Closure::<dyn FnMut(JsValue, JsValue) -> JsValue>::new(|_key: JsValue, value: JsValue| {
            exact_number(value)
        });
    stringify(value, replacer.as_ref().unchecked_ref(), space).map(String::from)
}

/// A BigInt as a raw JSON number (its digits), where the browser has
/// `JSON.rawJSON`; without it, a safe integer as a number, and a larger
/// one left a BigInt, which `JSON.stringify` refuses with a message.
fn exact_number(value: JsValue) -> JsValue {
    if !value.is_bigint() {
        return value;
    }
    let digits = String::from(value.unchecked_ref::<BigInt>().to_string(10).unwrap_or_default());
    match js_sys::JSON::raw_json(&digits) {
        Ok(raw) => raw.into(),
        Err(_) => match digits.parse::<u64>() {
            Ok(n) if n <= Number::MAX_SAFE_INTEGER as u64 => JsValue::from_f64(n as f64),
            _ => value,
        },
    }
}

/// A whole number that a JS number cannot hold exactly, as a BigInt of
/// the digits written in the file (`context.source`, where the browser
/// gives it); every other value as parsed.
fn exact_integer(value: JsValue, context: &JsValue) -> JsValue {
    let Some(n) = value.as_f64() else { return value };
    if Number::is_safe_integer(&value) || n.fract() != 0.0 {
        return value;
    }
    let source = Reflect::get(context, &"source".into()).ok().and_then(|s| s.as_string());
    match source {
        Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            BigInt::new(&digits.into()).map(JsValue::from).unwrap_or(value)
        }
        _ => value,
    }
}

/// A top-level field of the parsed file as compact JSON, `None` when it
/// is absent or null.
fn header_field(file: &JsValue, name: &str) -> Option<String> {
    let value = Reflect::get(file, &name.into()).ok()?;
    if value.is_undefined() || value.is_null() {
        return None;
    }
    Some(write_json(&value, 0).unwrap_or_else(|e| message(&e)))
}

/// What a thrown JS error says.
pub fn message(error: &JsValue) -> String {
    Reflect::get(error, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| "an unknown error".into())
}

// In Chromium: the exact whole numbers need its `JSON.rawJSON` and the
// reviver's `context.source`.
#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use sim::{Action, SimConfig, Timeline};
    use wasm_bindgen_test::{wasm_bindgen_test as test, wasm_bindgen_test_configure};

    wasm_bindgen_test_configure!(run_in_browser);

    fn record(seed: u64) -> RunRecord {
        let mut tl = Timeline::new(SimConfig { seed, ..SimConfig::default() }).unwrap();
        tl.run_until(700).unwrap();
        tl.act(Action::Crash(raft::NodeId(3))).unwrap();
        tl.act(Action::SetLoss(12.5)).unwrap();
        tl.run_until(1_200).unwrap();
        tl.seek(900).unwrap();
        tl.record()
    }

    #[test]
    fn a_run_file_reads_back_as_the_same_record_even_with_the_largest_seed() {
        for seed in [8, u64::MAX] {
            let record = record(seed);
            let text = to_file(&record).unwrap();
            assert!(
                text.starts_with("{\n  \"format\": \"raft-playground-run\",\n  \"version\": 2,")
            );
            assert!(text.contains(&format!("\"seed\": {seed},")), "{text:.300}");
            assert_eq!(from_file(&text).unwrap(), record);
        }
    }

    #[test]
    fn a_bad_file_is_named_and_refused() {
        let good = to_file(&record(8)).unwrap();
        let with = |from: &str, to: &str| good.replacen(from, to, 1);
        for (bad, says) in [
            (good[..good.len() / 2].to_string(), "not valid JSON"),
            ("[1, 2]".to_string(), "a JSON object, starting with '{'"),
            (with("\"version\": 2", "\"version\": 9"), "this file is version 9"),
            (with("\"format\": \"raft-playground-run\"", "\"format\": 3"), "format is 3"),
            (with("\"format\": \"raft-playground-run\",", ""), "has no \"format\""),
            (
                with("\"version\": 2,", "\"version\": 2, \"colour\": \"red\","),
                "unknown field `colour`",
            ),
            (with("\"time\": 900", "\"time\": 900, \"tick\": 1"), "unknown field `tick`"),
            (with("\"action\": {", "\"why\": 1, \"action\": {"), "unknown field `why`"),
            (with("\"event\": 97", "\"event\": 97, \"at\": 1"), "unknown field `at`"),
            (with("\"seed\": 8", "\"seed\": 18446744073709551616"), "cannot be read"),
            // A float is named, not formatted (vendor/serde-wasm-bindgen).
            (with("\"seed\": 8", "\"seed\": 1.5"), "invalid type: a number, expected u64"),
            (with("\"servers\": 5", "\"servers\": 12"), "settings cannot be used"),
        ] {
            let e = from_file(&bad).err().unwrap_or_else(|| panic!("{says}: accepted"));
            assert!(e.contains(says), "{says}: {e}");
        }
    }
}
