"""Forms are ready for WTForms 3.4 (no tuple choices, nothing deprecated), and every form field is drawn by one
macro (templates/_forms.html) that ties help and errors to the control."""

from __future__ import annotations

import importlib
import pkgutil
import re
import warnings
from pathlib import Path

from wtforms import SelectChoice
from wtforms.fields.choices import SelectFieldBase

import conference
from conference.db import db
from conference.inputs import FlaskForm
from tests.factories import make_event
from tests.registrations.helpers import register_via_form

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def all_forms() -> list[type[FlaskForm]]:
    for module_info in pkgutil.walk_packages(conference.__path__, "conference."):
        importlib.import_module(module_info.name)
    found, todo = [], [FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


def test_every_form_builds_and_renders_without_a_deprecation(app):
    forms = all_forms()
    assert len(forms) > 20
    with app.test_request_context(), warnings.catch_warnings():
        warnings.simplefilter("error")
        for form_class in forms:
            form = form_class(meta={"csrf": False})
            for field in form:
                html = str(field())
                assert html, (form_class.__name__, field.name)
                if isinstance(field, SelectFieldBase) and field.choices:
                    assert all(isinstance(c, SelectChoice) for c in field.choices), (
                        form_class.__name__,
                        field.name,
                    )


def test_one_field_macro_for_every_template():
    defined = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if re.search(r"\{%-?\s*macro\s+field\(", path.read_text(encoding="utf-8"))
    ]
    assert defined == ["_forms.html"]


def test_help_and_errors_are_tied_to_the_control(app, client):
    event = make_event(slug="fields")
    db.session.commit()
    html = register_via_form(client, event.slug, name="", email="not an address").get_data(as_text=True)
    for name in ("name", "email"):
        control = re.search(rf'<input[^>]*\bid="{name}"[^>]*>', html).group(0)
        assert 'aria-invalid="true"' in control, control
        described = re.search(r'aria-describedby="([^"]+)"', control).group(1).split()
        assert f"{name}-errors" in described
        for id_ in described:
            assert f'id="{id_}"' in html, (name, id_)
    email = re.search(r'<input[^>]*\bid="email"[^>]*>', html).group(0)
    assert "email-help" in email  # the help text is announced too
    assert 'class="field has-error"' in html
