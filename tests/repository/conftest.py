import pytest

# contract.py holds the shared backend tests; let pytest rewrite its asserts.
pytest.register_assert_rewrite("contract")
