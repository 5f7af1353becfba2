"""`inkship reconcile`: compare InkSoft, ShipStation and the state database; report drift, repair what is
safe."""
