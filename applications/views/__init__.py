"""Pages of the application workflow: the queues and registration (``queues``), the case page with its
actions, documents and notices (``cases``)."""
