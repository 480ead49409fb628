from tests.conftest import login_as


def test_home_shows_the_inspectors_own_supplier(client, world):
    login_as(client, world.inspector_a)
    page = client.get("/home").get_data(as_text=True)
    assert "Supplier" in page and "Chonburi" in page
    assert "Wuxi" not in page
