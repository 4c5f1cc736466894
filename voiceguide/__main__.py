from voiceguide.entry import run  # first: its handlers keep a stop during start-up quiet

run()
