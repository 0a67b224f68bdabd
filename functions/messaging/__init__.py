"""The messaging service: conversations, messages, exact unread counts."""
