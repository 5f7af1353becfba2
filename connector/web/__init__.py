"""`inkship serve`: the ShipStation webhook receiver and the Custom Store endpoint."""
