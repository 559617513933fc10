"""Portal (participant) forms."""

from django import forms

from ..models import MarketParticipant


class ParticipantSwitchForm(forms.Form):
    participant = forms.ModelChoiceField(queryset=MarketParticipant.objects.none())

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = participants
