"""Form classes must not share mutable state between instances."""

from app.suppliers.forms import SupplierForm


def test_building_many_supplier_forms_does_not_grow_the_validators(app):
    with app.test_request_context():
        counts = {len(SupplierForm().code.validators) for _ in range(5)}
    assert counts == {3}
