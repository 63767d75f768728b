import PLCore

#if canImport(Glibc)
  import Glibc
#endif

/// Lab exports in the languages whose legacy encodings pl-extract detects: a header and rows
/// of sample numbers, sample names, analytes, results, units, limits, dates and remarks, the
/// way instrument and LIMS software writes them.
enum LabExport: String, CaseIterable, Sendable {
  case japanese, simplifiedChinese, traditionalChinese, korean, russian, greek, polish, czech, german, french

  var header: String {
    switch self {
    case .japanese: return "試料番号,試料名,分析項目,結果,単位,検出下限,分析日,備考"
    case .simplifiedChinese: return "样品编号,样品名称,检测项目,结果,单位,检出限,检测日期,备注"
    case .traditionalChinese: return "樣品編號,樣品名稱,檢驗項目,結果,單位,檢出限量,檢驗日期,備註"
    case .korean: return "시료번호,시료명,분석항목,결과,단위,검출한계,분석일,비고"
    case .russian: return "Номер пробы;Наименование;Показатель;Результат;Единица;Предел обнаружения;Дата анализа;Примечание"
    case .greek: return "Κωδικός δείγματος;Όνομα δείγματος;Παράμετρος;Αποτέλεσμα;Μονάδα;Όριο ανίχνευσης;Ημερομηνία;Σχόλια"
    case .polish: return "Nr próbki;Nazwa próbki;Oznaczenie;Wynik;Jednostka;Granica wykrywalności;Data analizy;Uwagi"
    case .czech: return "Číslo vzorku;Název vzorku;Ukazatel;Výsledek;Jednotka;Mez detekce;Datum analýzy;Poznámka"
    case .german: return "Probennr.;Probenbezeichnung;Parameter;Ergebnis;Einheit;Bestimmungsgrenze;Analysedatum;Bemerkung"
    case .french: return "N° échantillon;Désignation;Paramètre;Résultat;Unité;Limite de détection;Date d'analyse;Remarque"
    }
  }

  var samples: [String] {
    switch self {
    case .japanese: return ["白米", "玄米", "小麦粉", "大豆", "牛乳", "鶏卵", "ほうれん草", "にんじん", "緑茶", "醤油", "味噌", "豆腐"]
    case .simplifiedChinese: return ["大米", "面粉", "大豆", "牛奶", "鸡蛋", "菠菜", "胡萝卜", "绿茶", "酱油", "豆腐", "花生", "苹果"]
    case .traditionalChinese: return ["白米", "麵粉", "黃豆", "牛奶", "雞蛋", "菠菜", "胡蘿蔔", "綠茶", "醬油", "豆腐", "花生", "蘋果"]
    case .korean: return ["백미", "밀가루", "대두", "우유", "달걀", "시금치", "당근", "녹차", "간장", "두부", "땅콩", "사과"]
    case .russian:
      return ["Рис белый", "Мука пшеничная", "Соя", "Молоко коровье", "Яйцо куриное", "Шпинат", "Морковь", "Чай зелёный", "Соевый соус", "Творог", "Арахис", "Яблоко"]
    case .greek:
      return ["Ρύζι", "Αλεύρι σίτου", "Σόγια", "Γάλα αγελάδας", "Αυγό", "Σπανάκι", "Καρότο", "Πράσινο τσάι", "Φέτα", "Γιαούρτι", "Φιστίκια", "Μήλο"]
    case .polish:
      return ["Ryż biały", "Mąka pszenna", "Soja", "Mleko krowie", "Jajo kurze", "Szpinak", "Marchew", "Herbata zielona", "Ser żółty", "Twaróg", "Orzeszki ziemne", "Jabłko"]
    case .czech:
      return ["Rýže bílá", "Mouka pšeničná", "Sója", "Mléko kravské", "Vejce slepičí", "Špenát", "Mrkev", "Čaj zelený", "Sýr", "Tvaroh", "Arašídy", "Jablko"]
    case .german:
      return ["Reis weiß", "Weizenmehl Type 405", "Sojabohnen", "Kuhmilch 3,5 %", "Hühnerei", "Spinat", "Möhren", "Grüner Tee", "Käse", "Quark", "Erdnüsse", "Äpfel"]
    case .french:
      return ["Riz blanc", "Farine de blé", "Soja", "Lait de vache", "Œuf", "Épinards", "Carottes", "Thé vert", "Fromage", "Crème fraîche", "Arachides", "Pommes"]
    }
  }

  var analytes: [String] {
    switch self {
    case .japanese: return ["たんぱく質", "脂質", "炭水化物", "灰分", "水分", "ナトリウム", "カルシウム", "鉄", "ビタミンC", "食物繊維"]
    case .simplifiedChinese: return ["蛋白质", "脂肪", "碳水化合物", "灰分", "水分", "钠", "钙", "铁", "维生素C", "膳食纤维"]
    case .traditionalChinese: return ["蛋白質", "脂肪", "碳水化合物", "灰分", "水分", "鈉", "鈣", "鐵", "維生素C", "膳食纖維"]
    case .korean: return ["단백질", "지방", "탄수화물", "회분", "수분", "나트륨", "칼슘", "철", "비타민C", "식이섬유"]
    case .russian: return ["Белок", "Жиры", "Углеводы", "Зола", "Влажность", "Натрий", "Кальций", "Железо", "Витамин C", "Пищевые волокна"]
    case .greek: return ["Πρωτεΐνη", "Λιπαρά", "Υδατάνθρακες", "Τέφρα", "Υγρασία", "Νάτριο", "Ασβέστιο", "Σίδηρος", "Βιταμίνη C", "Φυτικές ίνες"]
    case .polish: return ["Białko", "Tłuszcz", "Węglowodany", "Popiół", "Wilgotność", "Sód", "Wapń", "Żelazo", "Witamina C", "Błonnik pokarmowy"]
    case .czech: return ["Bílkoviny", "Tuky", "Sacharidy", "Popel", "Vlhkost", "Sodík", "Vápník", "Železo", "Vitamín C", "Vláknina"]
    case .german: return ["Eiweiß", "Fett", "Kohlenhydrate", "Asche", "Trockenmasse", "Natrium", "Calcium", "Eisen", "Vitamin C", "Ballaststoffe"]
    case .french: return ["Protéines", "Matières grasses", "Glucides", "Cendres", "Humidité", "Sodium", "Calcium", "Fer", "Vitamine C", "Fibres alimentaires"]
    }
  }

  /// Units as each writes them: the micro sign where the encodings have one.
  var units: [String] {
    switch self {
    case .japanese, .simplifiedChinese, .traditionalChinese, .korean, .greek: return ["g/100 g", "mg/100 g", "μg/100 g"]
    case .russian: return ["г/100 г", "мг/100 г", "мкг/100 г"]
    case .polish, .czech: return ["g/100 g", "mg/100 g", "mg/kg"]
    case .german, .french: return ["g/100 g", "mg/100 g", "µg/100 g"]
    }
  }

  var remarks: [String] {
    switch self {
    case .japanese: return ["再分析済み", "基準値内", "要確認", ""]
    case .simplifiedChinese: return ["复检", "合格", "待确认", ""]
    case .traditionalChinese: return ["複驗", "合格", "待確認", ""]
    case .korean: return ["재분석", "적합", "확인 필요", ""]
    case .russian: return ["повторный анализ", "в норме", "требует проверки", ""]
    case .greek: return ["επανάληψη", "εντός ορίων", "προς έλεγχο", ""]
    case .polish: return ["powtórzona analiza", "zgodne", "do sprawdzenia", ""]
    case .czech: return ["opakovaná analýza", "vyhovuje", "ke kontrole", ""]
    case .german: return ["Wiederholung", "i. O.", "Lagerung bei 4 °C", "Prüfung durch Müller", ""]
    case .french: return ["répété", "conforme", "à vérifier", "stocké à 4 °C", ""]
    }
  }

  /// The header and `rows` rows, CRLF-terminated; `;` and decimal commas in Europe.
  func text(rows: Int) -> String {
    let semicolons = header.contains(";")
    let separator = semicolons ? ";" : ","
    var lines = [header]
    for i in 0..<rows {
      let whole = (i * 37 + 5) % 90
      let hundredths = (i * 53 + 11) % 100
      let result = "\(whole)\(semicolons ? "," : ".")\(hundredths < 10 ? "0" : "")\(hundredths)"
      let day = 1 + i % 28
      let fields = [
        "L\(2_024_001 + i)", samples[i % samples.count], analytes[(i * 3) % analytes.count], result,
        units[i % units.count], semicolons ? "0,01" : "0.01", "2024-03-\(day < 10 ? "0" : "")\(day)",
        remarks[i % remarks.count],
      ]
      lines.append(fields.map { !semicolons && $0.contains(",") ? "\"\($0)\"" : $0 }.joined(separator: separator))
    }
    return lines.joined(separator: "\r\n") + "\r\n"
  }
}

/// `text` in `encoding`, converted by iconv; nil when a character has no form in it.
func encoded(_ text: String, as encoding: String) -> [UInt8]? {
  transcoded(Array(text.utf8), from: "UTF-8", to: encoding)
}

/// `bytes` in `encoding` as a string, converted by iconv; nil when they are no text of it.
func decoded(_ bytes: [UInt8], from encoding: String) -> String? {
  transcoded(bytes, from: encoding, to: "UTF-8").map { String(decoding: $0, as: UTF8.self) }
}

func transcoded(_ bytes: [UInt8], from source: String, to target: String) -> [UInt8]? {
  let converter = iconv_open(target, source)
  guard let converter, converter != iconv_t(bitPattern: -1) else { return nil }
  defer { iconv_close(converter) }
  var input = bytes.map { CChar(bitPattern: $0) }
  var output = [CChar](repeating: 0, count: bytes.count * 4 + 16)
  let written: Int? = input.withUnsafeMutableBufferPointer { inBuffer in
    output.withUnsafeMutableBufferPointer { outBuffer in
      var inPointer = inBuffer.baseAddress
      var inLeft = inBuffer.count
      var outPointer = outBuffer.baseAddress
      var outLeft = outBuffer.count
      guard iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) != -1 else { return nil }
      // Stateful encodings (ISO-2022-JP) end by shifting back to ASCII.
      guard iconv(converter, nil, nil, &outPointer, &outLeft) != -1 else { return nil }
      return outBuffer.count - outLeft
    }
  }
  return written.map { output[0..<$0].map { UInt8(bitPattern: $0) } }
}
