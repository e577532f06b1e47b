"""Taste: what this artist likes, learned from likes, dislikes and every choice among candidates."""
