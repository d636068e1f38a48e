"""The device pages: the queue, the list, one device with all that is known of it and its next steps, and its forms."""
