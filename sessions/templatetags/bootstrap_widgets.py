"""Form fields in Bootstrap 5's markup, without crispy-forms' per-field template machinery (the pair page
renders two forms on every visit, and ``|crispy`` was an eighth of its cost)."""

from django import forms, template

register = template.Library()


@register.filter
def bootstrap_widget(field):
    """The field's widget with the classes crispy-forms' Bootstrap 5 pack gives it: the widget's own
    name ("textinput", "select", …) then ``form-select`` for a select, ``form-control`` otherwise."""
    widget = field.field.widget
    control = "form-select" if isinstance(widget, forms.Select) else "form-control"
    classes = " ".join(filter(None, (widget.attrs.get("class"), widget.__class__.__name__.lower(), control)))
    return field.as_widget(attrs={"class": classes})
