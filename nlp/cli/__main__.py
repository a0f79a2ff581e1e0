from nlp.cli.main import main

main()
