"""The kiosk window: delegates check themselves in."""
