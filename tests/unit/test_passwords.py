from operator_app.core.passwords import hash_password, verify_password


def test_a_hash_verifies_its_password_only() -> None:
    stored = hash_password("секрет-123")
    assert stored.startswith("scrypt$")
    assert "секрет-123" not in stored
    assert verify_password("секрет-123", stored)
    assert not verify_password("секрет-124", stored)


def test_the_same_password_hashes_differently_each_time() -> None:
    assert hash_password("demo12") != hash_password("demo12")


def test_garbage_in_the_hash_column_never_verifies() -> None:
    for stored in ("", "plain", "scrypt$x$y$z$a$b", "bcrypt$1$2$3$AAAA$BBBB"):
        assert not verify_password("demo", stored)
