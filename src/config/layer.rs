//! One source's values as a JSON tree: the defaults, the TOML file, or what the editor
//! sent. Every leaf remembers where it came from (file and line), for errors and for
//! `superhelfer config`.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

use super::{ollama_host_url, Config, ConfigError, Source};

/// One source's values as a JSON tree, with the source of each leaf.
#[derive(Debug, Clone)]
pub struct Layer {
    pub(super) value: Value,
    pub(super) origins: BTreeMap<String, Source>,
    /// Set by the editor (`initializationOptions`, `didChangeConfiguration`): a cloned
    /// repository can write these, so they pass the trust boundary first.
    pub(super) from_editor: bool,
    /// Values this source meant to set but could not (an invalid `OLLAMA_HOST`), by key:
    /// the error stands unless a later source sets the key, and blocks only what uses it.
    pub(super) unusable: BTreeMap<String, ConfigError>,
}

impl Layer {
    /// The built-in defaults, with `OLLAMA_HOST` applied to the default backend's URL.
    pub fn defaults(ollama_host: Option<&str>) -> Layer {
        let mut value = serde_json::to_value(Config::default()).unwrap_or(Value::Null);
        let mut origins = BTreeMap::new();
        collect_leaves(&value, "", &mut |path| {
            origins.insert(path.to_string(), Source::Default);
        });
        let mut unusable = BTreeMap::new();
        const KEY: &str = "backends.ollama.url";
        match ollama_host.map(ollama_host_url) {
            Some(Ok(Some(url))) => {
                if let Some(slot) = value.pointer_mut("/backends/ollama/url") {
                    *slot = Value::String(url);
                    origins.insert(KEY.into(), Source::Env("OLLAMA_HOST"));
                }
            }
            Some(Err(message)) => {
                let error = ConfigError::Invalid {
                    key: KEY.into(),
                    origin: Source::Env("OLLAMA_HOST"),
                    message,
                };
                unusable.insert(KEY.to_string(), error);
            }
            Some(Ok(None)) | None => {}
        }
        Layer {
            value,
            origins,
            from_editor: false,
            unusable,
        }
    }

    /// A layer from JSON (`initializationOptions`, `didChangeConfiguration`).
    pub fn from_json(value: Value, source: Source) -> Result<Layer, ConfigError> {
        if !value.is_object() {
            return Err(ConfigError::Shape {
                origin: source,
                message: format!("expected an object, got {}", json_type(&value)),
            });
        }
        let mut origins = BTreeMap::new();
        collect_leaves(&value, "", &mut |path| {
            origins.insert(path.to_string(), source.clone());
        });
        Ok(Layer {
            value,
            origins,
            from_editor: source.is_editor(),
            unusable: BTreeMap::new(),
        })
    }

    /// A layer from a TOML file's text; `path` is used for messages and sources.
    pub fn from_toml(text: &str, path: &Path) -> Result<Layer, ConfigError> {
        let table = toml::de::DeTable::parse(text).map_err(|e| ConfigError::Syntax {
            path: path.to_path_buf(),
            line: e.span().map(|s| line_of(text, s.start)).unwrap_or(1),
            message: e.message().trim().to_string(),
        })?;
        let mut origins = BTreeMap::new();
        let file = TomlFile { text, path };
        let value = file.table(table.get_ref(), "", &mut origins)?;
        Ok(Layer {
            value,
            origins,
            from_editor: false,
            unusable: BTreeMap::new(),
        })
    }

    /// Reads the configuration file, if there is one. A missing file is no error.
    pub fn from_file(path: &Path) -> Result<Option<Layer>, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Layer::from_toml(&text, path).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(ConfigError::Read {
                path: path.to_path_buf(),
                message: e.to_string(),
            }),
        }
    }
}

/// A TOML file being turned into JSON, for the lines of its keys.
struct TomlFile<'a> {
    text: &'a str,
    path: &'a Path,
}

impl TomlFile<'_> {
    fn table(
        &self,
        table: &toml::de::DeTable<'_>,
        prefix: &str,
        origins: &mut BTreeMap<String, Source>,
    ) -> Result<Value, ConfigError> {
        let mut map = Map::new();
        for (key, value) in table {
            let name = key.get_ref().to_string();
            let full = join(prefix, &name);
            let source = Source::File {
                path: self.path.to_path_buf(),
                line: line_of(self.text, key.span().start),
            };
            let json = match value.get_ref() {
                toml::de::DeValue::Table(t) => self.table(t, &full, origins)?,
                other => {
                    origins.insert(full.clone(), source.clone());
                    scalar(other).map_err(|message| ConfigError::Invalid {
                        key: full.clone(),
                        origin: source,
                        message,
                    })?
                }
            };
            map.insert(name, json);
        }
        Ok(Value::Object(map))
    }
}

/// A TOML value as JSON. Numbers JSON cannot hold (beyond 64 bits, `nan`, `inf`) are
/// errors that say so, rather than a type mismatch about a string.
fn scalar(value: &toml::de::DeValue<'_>) -> Result<Value, String> {
    use toml::de::DeValue;
    Ok(match value {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => {
            let digits = i.as_str().replace('_', "");
            match i64::from_str_radix(&digits, i.radix()) {
                Ok(v) => Value::from(v),
                Err(_) => {
                    return Err(format!(
                        "the integer {} is too large (TOML integers must fit in 64 bits)",
                        i.as_str()
                    ))
                }
            }
        }
        DeValue::Float(f) => {
            let text = f.as_str().replace('_', "");
            let v = text.parse::<f64>().unwrap_or(f64::NAN);
            if v.is_nan() {
                return Err(format!("`{}` is not a number", f.as_str()));
            }
            match serde_json::Number::from_f64(v) {
                Some(n) => Value::Number(n),
                None => {
                    return Err(format!(
                        "`{}` is infinite; a finite number is needed",
                        f.as_str()
                    ))
                }
            }
        }
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::String(d.to_string()),
        DeValue::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| scalar(v.get_ref()))
                .collect::<Result<_, _>>()?,
        ),
        DeValue::Table(t) => {
            let mut map = Map::new();
            for (k, v) in t {
                map.insert(k.get_ref().to_string(), scalar(v.get_ref())?);
            }
            Value::Object(map)
        }
    })
}

pub(super) fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// The nearest recorded source for a key or one of its parents.
pub(super) fn source_of(origins: &BTreeMap<String, Source>, key: &str) -> Source {
    let mut k = key;
    loop {
        if let Some(s) = origins.get(k) {
            return s.clone();
        }
        // A table whose leaves all come from one place: use any child's source.
        if let Some((_, s)) = origins
            .range(format!("{k}.")..)
            .next()
            .filter(|(p, _)| p.starts_with(&format!("{k}.")))
        {
            return s.clone();
        }
        match k.rfind('.') {
            Some(i) => k = &k[..i],
            None => return Source::Default,
        }
    }
}

pub(super) fn merge_into(base: &mut Value, layer: &Value) {
    match (base, layer) {
        (Value::Object(b), Value::Object(l)) => {
            for (k, v) in l {
                match b.get_mut(k) {
                    Some(slot) if slot.is_object() && v.is_object() => merge_into(slot, v),
                    _ => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (slot, v) => *slot = v.clone(),
    }
}

pub(super) fn collect_leaves(value: &Value, prefix: &str, f: &mut dyn FnMut(&str)) {
    match value {
        // An empty table sets nothing: it must not hide the sources of what is under it.
        Value::Object(map) if map.is_empty() => {}
        Value::Object(map) => {
            for (k, v) in map {
                collect_leaves(v, &join(prefix, k), f);
            }
        }
        _ if !prefix.is_empty() => f(prefix),
        _ => {}
    }
}

fn line_of(text: &str, byte: usize) -> usize {
    text.get(..byte.min(text.len()))
        .map(|s| s.matches('\n').count() + 1)
        .unwrap_or(1)
}

pub(super) fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
