"""The funded projects, their types and the partner organisations."""
