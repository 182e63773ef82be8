"""OOV analysis (DESIGN §9): where and when things happen, trends against targets, lead times, exports. Every
figure counts reports ("meldingen"), never police registrations. Restricted categories are never analysed here
(DESIGN §2), and nothing here returns contact data or free text (DESIGN §6)."""
