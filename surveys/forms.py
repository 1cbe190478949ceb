from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Question


def _radio(label, choices, required):
    return forms.ChoiceField(label=label, choices=choices, required=required, widget=forms.RadioSelect)


class AnswerForm(forms.Form):
    """One field per question (one per skill for a skill level), built from one version's questions.

    ``version`` travels with the form: answers sent for a version that is no longer the current one
    (the survey changed while the person answered) are refused, and the current one is shown.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, questions, skills, version, mentee_skills=None, **kwargs):
        """``mentee_skills``: the skills a mentor rates their mentee on (``skills`` when not given); an
        empty list leaves out the mentor's rating, when the survey is not about a pair or was rated."""
        super().__init__(*args, initial={"version": version}, **kwargs)
        mentee_skills = skills if mentee_skills is None else mentee_skills
        self.expected_version = version
        self.entries = []
        # What the template renders: one group per question, its fields in order.
        self.groups = []
        for question in questions:
            if question.type == Question.Type.MENTEE_SKILLS and not mentee_skills:
                continue
            group = {"question": question, "label": str(question), "fields": [], "share": None}
            self.groups.append(group)
            if question.type in Question.PER_SKILL:
                rated = mentee_skills if question.type == Question.Type.MENTEE_SKILLS else skills
                for skill in rated:
                    name = f"q{question.pk}_skill{skill.pk}"
                    self.fields[name] = _radio(str(skill), [(n, n) for n in range(1, 6)], question.required)
                    self.entries.append((name, question, skill))
                    group["fields"].append(name)
                continue
            name = f"q{question.pk}"
            if question.type in (Question.Type.SCALE, Question.Type.RECOMMEND):
                numbers = Question.NUMBERS[question.type]
                field = _radio(str(question), [(n, n) for n in numbers], question.required)
            elif question.type == Question.Type.YES_NO:
                field = _radio(str(question), [(1, _("Yes")), (0, _("No"))], question.required)
            elif question.type == Question.Type.CHOICE:
                field = _radio(str(question), question.options(), question.required)
            elif question.type == Question.Type.MULTIPLE:
                field = forms.MultipleChoiceField(
                    label=str(question),
                    choices=question.options(),
                    required=question.required,
                    widget=forms.CheckboxSelectMultiple,
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
            group["fields"].append(name)
            if question.type == Question.Type.TEXT:
                self.fields[f"{name}_share"] = forms.BooleanField(
                    label=_("Share this comment anonymously with the programme's sponsors"),
                    help_text=_(
                        "They would read the text and the month it was written, never your name or department."
                    ),
                    required=False,
                    initial=False,
                )
                group["share"] = f"{name}_share"
        for group in self.groups:
            group["fields"] = [self[name] for name in group["fields"]]
            group["share"] = self[group["share"]] if group["share"] else None

    @property
    def outdated(self):
        """Whether the answers were given to a version the survey no longer asks (a form without a version
        is one rendered before versions existed, hence of the first and only one)."""
        sent = self.data.get("version") if self.is_bound else None
        return sent not in (None, "") and str(sent) != str(self.expected_version)

    def clean(self):
        cleaned = super().clean()
        if self.outdated:
            raise forms.ValidationError(
                _("The survey changed while you were answering it: here it is as it is now."), code="outdated"
            )
        return cleaned

    def answers(self):
        """[(question, skill, number, text, shared)] for ``services.submit_answers``."""
        result = []
        for name, question, skill in self.entries:
            value = self.cleaned_data.get(name)
            if value in (None, "", []):
                continue
            if question.type == Question.Type.TEXT:
                result.append((question, skill, None, value, self.cleaned_data.get(f"{name}_share", False)))
            elif question.type == Question.Type.CHOICE:
                result.append((question, skill, None, value, False))
            elif question.type == Question.Type.MULTIPLE:
                result += [(question, skill, None, option, False) for option in value]
            else:
                result.append((question, skill, int(value), "", False))
        return result


def _lines(value):
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class QuestionForm(forms.Form):
    """A question as HR writes it, in French and English; the service checks the rest."""

    text = forms.CharField(label=_("Question (French)"), max_length=300)
    text_en = forms.CharField(
        label=_("Question (English)"),
        max_length=300,
        required=False,
        help_text=_("For English-speaking participants; leave it empty and they read the French one."),
    )
    type = forms.ChoiceField(label=_("Type"), choices=Question.Type.choices)
    choices = forms.CharField(
        label=_("Choices (French)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a choice question: one choice a line."),
    )
    choices_en = forms.CharField(
        label=_("Choices (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The same choices in English, in the same order; leave it empty and they read the French."
        ),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)

    @classmethod
    def for_question(cls, question, data=None):
        return cls(
            data,
            initial={
                "text": question.text,
                "text_en": question.text_en,
                "type": question.type,
                "choices": "\n".join(question.choices),
                "choices_en": "\n".join(question.choices_en),
                "required": question.required,
            },
        )

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "text": data["text"],
            "text_en": data["text_en"],
            "type": data["type"],
            "choices": _lines(data["choices"]),
            "choices_en": _lines(data["choices_en"]),
            "required": data["required"],
        }


class TemplateForm(forms.Form):
    title = forms.CharField(label=_("Title (French)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    introduction = forms.CharField(
        label=_("Introduction (French)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    introduction_en = forms.CharField(
        label=_("Introduction (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PreviewLanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the preview"),
        choices=[("fr", "Français"), ("en", "English")],
        required=False,
    )
