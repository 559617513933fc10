"""How long free text may be: one set of limits for every model field and form that takes text a person types.

Model fields apply them with :class:`ercot_services.core.models.BoundedTextField` (``full_clean()`` refuses
longer text, and a ModelForm's field gets the same ``max_length``); plain form fields pass them as
``max_length``. Django's message then says what is wrong: "Ensure this value has at most 20000 characters (it
has 3145728)."
"""

# Published long text: a market notice's Markdown body and its sections.
LONG_TEXT = 50_000
# A message between people: case descriptions, replies, resolutions, plan summaries, agendas and minutes.
MESSAGE_TEXT = 20_000
# A short note: reasons, internal notes, comments, descriptions of reference data.
NOTE_TEXT = 5_000
