from operator_app.core.settings import AppSettings


def test_settings_round_trip_in_the_app_home() -> None:
    settings = AppSettings.load()
    assert settings.language == "ru"
    settings.language = "en"
    settings.remembered_login = "olga"
    settings.save()
    again = AppSettings.load()
    assert (again.language, again.remembered_login) == ("en", "olga")


def test_a_damaged_settings_file_falls_back_to_defaults() -> None:
    AppSettings.path().write_text("{not json", encoding="utf-8")
    assert AppSettings.load() == AppSettings()
    AppSettings.path().write_text('{"language": "xx", "unknown": 1}', encoding="utf-8")
    assert AppSettings.load().language == "ru"
