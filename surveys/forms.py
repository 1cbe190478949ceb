from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Question


def _radio(label, choices, required):
    return forms.ChoiceField(label=label, choices=choices, required=required, widget=forms.RadioSelect)


class AnswerForm(forms.Form):
    """One field per question (one per skill for a self-assessment), built from the template."""

    def __init__(self, *args, questions, skills, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = []
        for question in questions:
            if question.type == Question.Type.SKILLS:
                for skill in skills:
                    name = f"q{question.pk}_skill{skill.pk}"
                    self.fields[name] = _radio(
                        f"{question} · {skill}", [(n, n) for n in range(1, 6)], question.required
                    )
                    self.entries.append((name, question, skill))
                continue
            name = f"q{question.pk}"
            if question.type == Question.Type.SCALE:
                field = _radio(str(question), [(n, n) for n in range(1, 6)], question.required)
            elif question.type == Question.Type.RECOMMEND:
                field = _radio(str(question), [(n, n) for n in range(0, 11)], question.required)
            elif question.type == Question.Type.YES_NO:
                field = _radio(str(question), [(1, _("Yes")), (0, _("No"))], question.required)
            elif question.type == Question.Type.CHOICE:
                field = _radio(
                    str(question), [(choice, choice) for choice in question.choices], question.required
                )
            else:
                field = forms.CharField(
                    label=str(question),
                    required=question.required,
                    max_length=5000,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
            self.fields[name] = field
            self.entries.append((name, question, None))
            if question.type == Question.Type.TEXT:
                self.fields[f"{name}_share"] = forms.BooleanField(
                    label=_("Share this comment anonymously with the programme's sponsors"),
                    help_text=_(
                        "They would read the text and the month it was written, never your name or department."
                    ),
                    required=False,
                    initial=False,
                )

    def answers(self):
        """[(question, skill, number, text, shared)] for ``services.submit_answers``."""
        result = []
        for name, question, skill in self.entries:
            value = self.cleaned_data.get(name)
            if value in (None, ""):
                continue
            if question.type == Question.Type.TEXT:
                result.append((question, skill, None, value, self.cleaned_data.get(f"{name}_share", False)))
            elif question.type == Question.Type.CHOICE:
                result.append((question, skill, None, value, False))
            else:
                result.append((question, skill, int(value), "", False))
        return result


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question (French)"), max_length=300)
    text_en = forms.CharField(
        label=_("Question (English)"),
        max_length=300,
        required=False,
        help_text=_("For English-speaking participants; leave it empty and they read the French one."),
    )
    type = forms.ChoiceField(label=_("Type"), choices=Question.Type.choices)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a choice question: one choice a line."),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)
