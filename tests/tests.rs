mod golden;
mod props;
