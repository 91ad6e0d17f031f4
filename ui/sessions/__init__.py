"""Sessions and the programme: the organiser's dialogs to create, edit, duplicate and archive sessions."""
