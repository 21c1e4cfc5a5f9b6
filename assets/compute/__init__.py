"""Pure computation (frames in, frames out) called by the thin Dagster assets beside this package."""
