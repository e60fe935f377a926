"""The dilemma family: collect, sort, vote, game and harvest share one store of
dilemmas (`store`) and the list importer (`importer`)."""
