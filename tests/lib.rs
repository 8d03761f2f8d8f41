//! One integration test binary (built once, fast to link), one module per concern.

mod bad_input;
mod causes;
mod chart_layout;
mod charts;
mod cli;
mod designation;
mod excel;
mod excel_in;
mod explain;
mod explain_cli;
mod fuzz;
mod import;
mod odds;
mod scale;
mod schema;
mod scoring;
mod seek;
mod starting;
mod support;
