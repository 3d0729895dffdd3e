"""Test helpers shared by the apps' test suites (imported by tests only)."""
