"""Discord UI building blocks shared by the cogs: restart-proof buttons and modals, embeds,
confirmation and pagination."""
