//! Fault injection: rules that make the server misbehave on the Nth RPC of
//! a kind, so that clients can be tested against lost, late, failed and
//! malformed replies, cut connections and evictions. Rules come from the
//! command line (`--fault RULE`) or the control socket (`fault RULE`).
//!
//! A rule is `ACTION:OPCODE:N[:ARG]`: on the Nth request (from 1) of
//! opcode OPCODE (a number, or `any`) since the rule was added, do ACTION:
//!
//! | action | arg | what |
//! |---|---|---|
//! | `drop` | | handle the request, send no reply |
//! | `delay` | ms | handle it, reply after ARG milliseconds |
//! | `error` | errno | do not handle it; an error reply `-ARG` |
//! | `malformed` | kind | handle it; a reply broken as `magic`, `bufcount`, `buflen`, `truncate` or `body` says |
//! | `cut` | | close the client's connections; no reply |
//! | `evict` | | evict the client from the target; `-ENOTCONN` |
//!
//! Each rule fires once.

use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

use rustre_ptlrpc::Corruption;

/// What a rule does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// No reply.
    Drop,
    /// A late reply.
    Delay(Duration),
    /// An error reply with this errno, the request not handled.
    Error(i32),
    /// A broken reply.
    Malformed(Corruption),
    /// The client's connections closed.
    Cut,
    /// The client evicted.
    Evict,
}

/// A rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// What it does.
    pub action: Action,
    /// The opcode it watches (`None`: every one).
    pub opc: Option<u32>,
    /// On which request (from 1).
    pub nth: u64,
}

impl FromStr for Rule {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let parts: Vec<&str> = s.split(':').collect();
        let (name, opc, nth, arg) = match parts.as_slice() {
            [a, o, n] => (*a, *o, *n, None),
            [a, o, n, x] => (*a, *o, *n, Some(*x)),
            _ => return Err(format!("'{s}' is not ACTION:OPCODE:N[:ARG]")),
        };
        let opc = match opc {
            "any" => None,
            o => Some(o.parse().map_err(|_| format!("bad opcode '{o}'"))?),
        };
        let nth = nth
            .parse::<u64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("bad count '{nth}' (from 1)"))?;
        let number = |what| -> Result<u64, String> {
            arg.ok_or_else(|| format!("{name} needs {what}"))?
                .parse()
                .map_err(|_| format!("bad {what}"))
        };
        let action = match (name, arg) {
            ("drop", None) => Action::Drop,
            ("delay", _) => Action::Delay(Duration::from_millis(number("milliseconds")?)),
            ("error", _) => {
                Action::Error(i32::try_from(number("an errno")?).map_err(|e| e.to_string())?)
            }
            ("malformed", Some(kind)) => Action::Malformed(kind.parse()?),
            ("cut", None) => Action::Cut,
            ("evict", None) => Action::Evict,
            _ => return Err(format!("'{s}': unknown action or argument")),
        };
        Ok(Rule { action, opc, nth })
    }
}

/// The rules in force, each with the requests it has seen.
#[derive(Default)]
pub struct Faults {
    rules: Mutex<Vec<(Rule, u64)>>,
}

impl Faults {
    fn rules(&self) -> std::sync::MutexGuard<'_, Vec<(Rule, u64)>> {
        self.rules.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds `rule`.
    pub fn add(&self, rule: Rule) {
        self.rules().push((rule, 0));
    }

    /// Removes every rule.
    pub fn clear(&self) {
        self.rules().clear();
    }

    /// Counts a request of opcode `opc`: the action of the first rule it
    /// fires, which is then gone.
    pub fn check(&self, opc: u32) -> Option<Action> {
        let mut rules = self.rules();
        let mut fired = None;
        for (i, (rule, seen)) in rules.iter_mut().enumerate() {
            if rule.opc.is_some_and(|o| o != opc) {
                continue;
            }
            *seen += 1;
            if *seen == rule.nth && fired.is_none() {
                fired = Some(i);
            }
        }
        fired.map(|i| rules.remove(i).0.action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rules_and_fires_each_once() {
        let f = Faults::default();
        f.add("drop:36:2".parse().unwrap());
        f.add("malformed:any:3:buflen".parse().unwrap());
        assert_eq!(f.check(36), None);
        assert_eq!(f.check(36), Some(Action::Drop));
        assert_eq!(f.check(400), Some(Action::Malformed(Corruption::Buflen)));
        assert_eq!(f.check(36), None);
        for bad in [
            "drop",
            "drop:x:1",
            "drop:36:0",
            "delay:36:1",
            "error:36:1:x",
            "malformed:1:1:y",
            "zap:1:1",
        ] {
            assert!(bad.parse::<Rule>().is_err(), "{bad}");
        }
        assert_eq!(
            "delay:any:1:250".parse::<Rule>().unwrap().action,
            Action::Delay(Duration::from_millis(250))
        );
    }
}
