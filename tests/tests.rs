mod compare;
mod golden;
mod hygiene;
mod props;
