mod commands;
mod compare;
mod conformance_cases;
mod exports;
mod golden;
mod hygiene;
mod input_errors;
mod props;
