//! pcsim: a what-if planning simulator for the Microsoft partner capability score
//! (Solutions Partner for Security).
//!
//! Data flows one way: files -> [`scenario`] -> [`facts`] -> [`tally`] -> [`score`] ->
//! [`simulate`] -> [`report`]. Only `report` and `cli` print.
//!
//! Comments cite the scoring specification as "RULES.md §N"; it ships as
//! `docs/scoring-rules.md`.

pub mod causes;
pub mod cli;
pub mod compare;
pub mod destination;
pub mod error;
pub mod explain;
pub mod facts;
pub mod huge_pages;
pub mod import;
pub mod money;
pub mod month;
pub mod odds;
pub mod output;
pub mod report;
pub mod rules;
pub mod scenario;
pub mod schema;
pub mod score;
pub mod seek;
pub mod simulate;
pub mod skilling;
pub mod starter;
pub mod suggest;
pub mod synth;
pub mod tally;
