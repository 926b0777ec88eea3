//! The model tiers a request can be routed to: a leaf both the configuration (one table
//! per tier) and the engine (routing) use.

use serde::{Deserialize, Serialize};

/// A tier: `fast` (small general model, always resident), `code` (a coder model),
/// `heavy` (the largest model, for design, proofs and deep analysis).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    Fast,
    Code,
    Heavy,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::Fast, Tier::Code, Tier::Heavy];

    /// The next bigger tier; `None` for heavy.
    pub fn bigger(self) -> Option<Tier> {
        match self {
            Tier::Fast => Some(Tier::Code),
            Tier::Code => Some(Tier::Heavy),
            Tier::Heavy => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Fast => "fast",
            Tier::Code => "code",
            Tier::Heavy => "heavy",
        }
    }
}

impl std::fmt::Display for Tier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Tier {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fast" => Ok(Tier::Fast),
            "code" => Ok(Tier::Code),
            "heavy" => Ok(Tier::Heavy),
            other => Err(format!(
                "unknown tier `{other}` (expected fast, code or heavy)"
            )),
        }
    }
}
