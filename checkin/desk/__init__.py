"""What happens at the desk and in the room: sessions and bookings, scans, roll-call, walk-ins, kiosk, search, roster, figures."""
