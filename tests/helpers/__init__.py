"""Shared test helpers: apps and servers, staff accounts, the browser, catalogs, storage and audio checks."""
