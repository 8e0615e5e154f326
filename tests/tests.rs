mod compare;
mod exports;
mod golden;
mod hygiene;
mod props;
