mod golden;
mod hygiene;
mod props;
