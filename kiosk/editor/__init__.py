"""The translation editor: staff fix and add translations in the browser, checked, with history."""
