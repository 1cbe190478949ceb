"""The product's default curriculum: the digital topics reverse-mentoring programmes cover, in French and
English, that HR copies into a programme and adapts (``services.copy_default_curriculum``).

It is product content, not a translation: both languages are written here and land in the module's
``<field>`` / ``<field>_en`` pair, as text HR types does. A programme's copy is its own rows; changing
this list never changes a programme that copied it.
"""

DEFAULT_CURRICULUM = [
    {
        "title": "Outils collaboratifs et nouvelles façons de travailler",
        "title_en": "Collaborative tools and new ways of working",
        "objectives": (
            "Utiliser un espace de travail partagé (documents, messagerie d'équipe, visio) sans passer par "
            "l'e-mail.\n"
            "Coéditer un document en temps réel et suivre ses versions.\n"
            "Savoir quand choisir un message, un appel ou une réunion."
        ),
        "objectives_en": (
            "Work in a shared workspace (documents, team chat, video) without going through e-mail.\n"
            "Co-edit a document in real time and follow its versions.\n"
            "Know when to choose a message, a call or a meeting."
        ),
        "agenda": (
            "Tour d'horizon : les outils que chacun utilise au quotidien\n"
            "Démonstration : coéditer un document et commenter à deux\n"
            "Mise en pratique sur un vrai dossier du mentoré\n"
            "Choisir le défi « essayez-le » de la séance"
        ),
        "agenda_en": (
            "Round-up: the tools each of us uses every day\n"
            "Demonstration: co-editing a document and commenting together\n"
            "Hands-on with a real file of the mentee's\n"
            'Choose the session\'s "try it" challenge'
        ),
        "resources": (
            "Le guide d'utilisation de l'espace collaboratif de l'entreprise\n"
            "Une réunion d'équipe du mentor junior, observée en direct"
        ),
        "resources_en": (
            "The user guide of the company's collaborative workspace\n"
            "One of the junior mentor's team meetings, seen live"
        ),
        "challenge": "Remplacer une chaîne d'e-mails par un document partagé avec mon équipe cette semaine",
        "challenge_en": "Replace an e-mail thread with a shared document with my team this week",
    },
    {
        "title": "Réseaux sociaux",
        "title_en": "Social networks",
        "objectives": (
            "Comprendre les codes de LinkedIn, Instagram et du réseau social interne.\n"
            "Soigner son profil professionnel et sa présence de dirigeant.\n"
            "Mesurer ce que les réseaux apportent à la marque employeur."
        ),
        "objectives_en": (
            "Understand the codes of LinkedIn, Instagram and the internal social network.\n"
            "Take care of one's professional profile and presence as an executive.\n"
            "See what social networks bring to the employer brand."
        ),
        "agenda": (
            "Retour sur le défi de la dernière séance\n"
            "Lecture commentée de trois publications qui ont marché (et d'une qui a raté)\n"
            "Revue du profil du mentoré : photo, titre, résumé\n"
            "Écrire ensemble un premier post\n"
            "Choisir le défi « essayez-le » de la séance"
        ),
        "agenda_en": (
            "Back to the last session's challenge\n"
            "Reading three posts that worked (and one that failed)\n"
            "Reviewing the mentee's profile: photo, headline, summary\n"
            "Writing a first post together\n"
            'Choose the session\'s "try it" challenge'
        ),
        "resources": (
            "La charte de l'entreprise sur les réseaux sociaux\n"
            "https://www.linkedin.com/help/linkedin : l'aide de LinkedIn"
        ),
        "resources_en": (
            "The company's social media policy\nhttps://www.linkedin.com/help/linkedin: LinkedIn's help"
        ),
        "challenge": "Publier un post sur le réseau social interne et répondre aux commentaires",
        "challenge_en": "Publish a post on the internal social network and answer the comments",
    },
    {
        "title": "IA générative au quotidien",
        "title_en": "Generative AI every day",
        "objectives": (
            "Savoir ce qu'un assistant d'IA fait bien, et ce qu'il fait mal.\n"
            "Écrire une consigne (un « prompt ») précise et vérifier la réponse.\n"
            "Connaître les règles de l'entreprise : données confidentielles, outils autorisés."
        ),
        "objectives_en": (
            "Know what an AI assistant does well, and what it does badly.\n"
            'Write a precise instruction (a "prompt") and check the answer.\n'
            "Know the company's rules: confidential data, approved tools."
        ),
        "agenda": (
            "Retour sur le défi de la dernière séance\n"
            "Démonstration sur une tâche réelle : résumer, reformuler, préparer une réunion\n"
            "Le mentoré essaie, le mentor junior commente la consigne\n"
            "Les limites : erreurs, inventions, données à ne jamais confier\n"
            "Choisir le défi « essayez-le » de la séance"
        ),
        "agenda_en": (
            "Back to the last session's challenge\n"
            "Demonstration on a real task: summarise, rephrase, prepare a meeting\n"
            "The mentee tries, the junior mentor comments on the prompt\n"
            "The limits: errors, made-up answers, data never to share\n"
            'Choose the session\'s "try it" challenge'
        ),
        "resources": "La politique d'usage de l'IA de l'entreprise\nL'assistant d'IA autorisé par la DSI",
        "resources_en": "The company's AI usage policy\nThe AI assistant approved by IT",
        "challenge": "Résumer un rapport avec un assistant d'IA et vérifier le résumé avant de le partager",
        "challenge_en": "Summarise a report with an AI assistant and check the summary before sharing it",
    },
    {
        "title": "Données et cybersécurité",
        "title_en": "Data and cybersecurity",
        "objectives": (
            "Reconnaître un e-mail d'hameçonnage et savoir le signaler.\n"
            "Protéger ses comptes : gestionnaire de mots de passe, double authentification.\n"
            "Comprendre ce que disent les données : lire un tableau de bord, poser les bonnes questions."
        ),
        "objectives_en": (
            "Recognise a phishing e-mail and know how to report it.\n"
            "Protect one's accounts: password manager, two-factor authentication.\n"
            "Understand what data says: read a dashboard, ask the right questions."
        ),
        "agenda": (
            "Retour sur le défi de la dernière séance\n"
            "Jeu : vrai ou faux e-mail ?\n"
            "Activer la double authentification ensemble\n"
            "Lire à deux un tableau de bord de l'activité du mentoré\n"
            "Choisir le défi « essayez-le » de la séance"
        ),
        "agenda_en": (
            "Back to the last session's challenge\n"
            "Game: real or fake e-mail?\n"
            "Turning on two-factor authentication together\n"
            "Reading a dashboard of the mentee's business together\n"
            'Choose the session\'s "try it" challenge'
        ),
        "resources": (
            "https://www.cybermalveillance.gouv.fr : les fiches réflexes\n"
            "La procédure interne de signalement d'un incident"
        ),
        "resources_en": (
            "https://www.cybermalveillance.gouv.fr: the quick guides (in French)\n"
            "The internal procedure to report an incident"
        ),
        "challenge": "Activer la double authentification sur mes comptes professionnels",
        "challenge_en": "Turn on two-factor authentication on my work accounts",
    },
    {
        "title": "Nouvelles attentes au travail",
        "title_en": "New expectations at work",
        "objectives": (
            "Entendre ce que les jeunes générations attendent : sens, flexibilité, inclusion, éthique.\n"
            "Confronter ces attentes aux pratiques de management du mentoré.\n"
            "Repérer une pratique à faire évoluer dans son équipe."
        ),
        "objectives_en": (
            "Hear what younger generations expect: purpose, flexibility, inclusion, ethics.\n"
            "Set these expectations against the mentee's management practices.\n"
            "Spot one practice to change in one's team."
        ),
        "agenda": (
            "Retour sur le défi de la dernière séance\n"
            "Le regard du mentor junior : ce qui motive et ce qui fait partir\n"
            "Le regard du mentoré : ses contraintes de dirigeant\n"
            "Une situation réelle de l'équipe, vue des deux côtés\n"
            "Choisir le défi « essayez-le » de la séance"
        ),
        "agenda_en": (
            "Back to the last session's challenge\n"
            "The junior mentor's view: what motivates and what makes people leave\n"
            "The mentee's view: an executive's constraints\n"
            "A real situation in the team, seen from both sides\n"
            'Choose the session\'s "try it" challenge'
        ),
        "resources": "Le dernier baromètre interne d'engagement\nL'accord de l'entreprise sur le télétravail",
        "resources_en": "The latest internal engagement survey\nThe company's remote-work agreement",
        "challenge": "Demander à un collaborateur de moins de 30 ans ce qu'il changerait dans nos réunions",
        "challenge_en": "Ask a colleague under 30 what they would change in our meetings",
    },
]
