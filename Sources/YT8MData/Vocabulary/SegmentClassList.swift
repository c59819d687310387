import FileIO
import Foundation

/// The classes rated in the 2019 segment task: the 1,000 of the starter's
/// `segment_label_ids.csv` by default, or a list in the same format read
/// with `read(path:)`. Segment mAP averages over these classes and the
/// 2019 submission lists only them.
public struct SegmentClassList: Equatable, Sendable {
    /// The class indices, ascending.
    public let classes: [Int]
    /// The same classes as a set, for membership tests.
    public let set: Set<Int>

    /// A list of `classes` (duplicates removed).
    public init(_ classes: some Sequence<Int>) {
        set = Set(classes)
        self.classes = set.sorted()
    }

    /// The classes of the list below `numClasses`: the starter's list on a
    /// smaller vocabulary (synthetic or custom data) keeps the classes it has.
    public func below(_ numClasses: Int) -> SegmentClassList {
        SegmentClassList(classes.filter { $0 < numClasses })
    }

    /// The list in the starter's `segment_label_ids.csv` format, as ``read(path:numClasses:)`` reads it.
    public var csv: String {
        "Index\n" + classes.map { "\($0)\n" }.joined()
    }

    /// The 1,000 classes the 2019 challenge rated (the starter's
    /// `segment_label_ids.csv`), all below the 2018 vocabulary's 3,862.
    public static let starter = SegmentClassList([
        3, 7, 8, 11, 12, 17, 18, 19, 21, 22, 23, 28, 30, 31, 32, 33,
        34, 41, 43, 45, 46, 48, 52, 53, 54, 55, 58, 59, 60, 61, 65, 68,
        71, 73, 74, 75, 76, 77, 80, 83, 88, 89, 90, 92, 95, 99, 100, 101,
        104, 105, 109, 112, 113, 115, 116, 118, 120, 121, 123, 125, 127, 128, 129, 130,
        131, 137, 141, 143, 145, 148, 151, 152, 155, 156, 158, 160, 163, 164, 169, 170,
        171, 172, 173, 174, 175, 176, 178, 182, 184, 186, 187, 188, 190, 191, 192, 194,
        196, 197, 198, 199, 200, 201, 202, 204, 205, 206, 207, 209, 210, 213, 214, 217,
        218, 220, 226, 227, 229, 231, 232, 233, 235, 237, 239, 240, 244, 245, 246, 248,
        249, 250, 253, 255, 256, 259, 261, 262, 263, 266, 267, 268, 269, 271, 273, 274,
        276, 277, 278, 279, 280, 288, 291, 293, 294, 295, 296, 297, 299, 300, 302, 303,
        304, 305, 307, 310, 311, 312, 313, 316, 318, 321, 322, 329, 330, 331, 333, 334,
        340, 343, 344, 347, 348, 349, 355, 358, 359, 360, 361, 364, 365, 366, 368, 369,
        370, 373, 374, 380, 381, 382, 384, 385, 388, 389, 390, 393, 394, 396, 397, 398,
        399, 400, 401, 402, 405, 406, 408, 410, 414, 415, 416, 418, 419, 421, 422, 424,
        427, 428, 429, 430, 434, 435, 437, 439, 440, 441, 442, 443, 444, 445, 446, 448,
        451, 452, 453, 454, 455, 457, 458, 460, 461, 462, 463, 464, 465, 468, 469, 471,
        472, 473, 474, 475, 477, 482, 483, 485, 488, 490, 491, 493, 494, 495, 496, 498,
        499, 501, 502, 503, 504, 506, 507, 508, 511, 513, 514, 518, 519, 521, 522, 523,
        525, 526, 527, 528, 532, 533, 535, 539, 540, 541, 543, 544, 547, 548, 549, 550,
        551, 552, 554, 555, 557, 559, 560, 563, 564, 565, 567, 568, 571, 572, 573, 576,
        580, 581, 584, 585, 587, 588, 590, 592, 597, 598, 599, 600, 602, 603, 604, 605,
        607, 608, 610, 611, 612, 613, 614, 617, 620, 624, 625, 627, 629, 631, 632, 634,
        635, 637, 638, 641, 642, 644, 646, 647, 648, 652, 656, 658, 661, 663, 664, 666,
        667, 668, 669, 671, 673, 675, 676, 679, 680, 683, 684, 685, 686, 688, 689, 691,
        692, 693, 694, 697, 698, 702, 703, 705, 706, 709, 710, 711, 712, 713, 715, 716,
        717, 718, 720, 721, 722, 723, 724, 725, 726, 727, 728, 730, 732, 735, 736, 738,
        740, 742, 746, 748, 749, 751, 752, 754, 756, 757, 758, 760, 763, 764, 766, 767,
        769, 771, 778, 780, 781, 783, 785, 786, 787, 788, 789, 791, 792, 793, 795, 796,
        797, 801, 802, 803, 804, 805, 808, 811, 812, 813, 814, 816, 817, 818, 820, 821,
        822, 823, 824, 825, 826, 827, 829, 830, 832, 833, 835, 837, 838, 841, 843, 844,
        846, 847, 852, 854, 855, 857, 858, 859, 860, 861, 862, 867, 869, 870, 871, 875,
        876, 877, 878, 880, 883, 884, 885, 887, 888, 891, 892, 897, 898, 900, 901, 903,
        905, 906, 907, 909, 910, 911, 913, 914, 915, 917, 918, 922, 923, 925, 930, 931,
        932, 933, 937, 940, 942, 944, 945, 946, 948, 950, 952, 954, 955, 957, 958, 962,
        964, 965, 970, 971, 972, 973, 974, 975, 979, 980, 981, 982, 983, 984, 985, 986,
        990, 991, 992, 993, 994, 995, 996, 999, 1000, 1001, 1002, 1005, 1007, 1008, 1009, 1010,
        1011, 1012, 1013, 1014, 1015, 1016, 1019, 1023, 1025, 1030, 1031, 1032, 1034, 1035, 1036, 1037,
        1038, 1040, 1044, 1045, 1046, 1049, 1052, 1053, 1055, 1056, 1057, 1058, 1060, 1061, 1066, 1067,
        1068, 1069, 1072, 1073, 1074, 1076, 1077, 1083, 1086, 1087, 1089, 1093, 1094, 1095, 1096, 1098,
        1099, 1101, 1102, 1103, 1104, 1105, 1106, 1107, 1115, 1117, 1119, 1120, 1121, 1122, 1123, 1124,
        1126, 1128, 1131, 1132, 1133, 1134, 1136, 1137, 1142, 1143, 1144, 1147, 1148, 1150, 1152, 1155,
        1156, 1157, 1159, 1160, 1161, 1162, 1164, 1165, 1166, 1167, 1168, 1171, 1172, 1174, 1175, 1177,
        1179, 1180, 1183, 1186, 1187, 1188, 1189, 1190, 1192, 1195, 1197, 1199, 1201, 1202, 1203, 1205,
        1206, 1208, 1209, 1210, 1212, 1214, 1216, 1217, 1218, 1219, 1221, 1222, 1223, 1224, 1225, 1227,
        1234, 1235, 1236, 1237, 1240, 1241, 1242, 1243, 1245, 1246, 1247, 1248, 1252, 1254, 1257, 1258,
        1259, 1260, 1261, 1262, 1264, 1265, 1266, 1269, 1271, 1272, 1275, 1276, 1277, 1280, 1282, 1283,
        1285, 1286, 1287, 1288, 1289, 1290, 1291, 1293, 1295, 1296, 1298, 1300, 1303, 1307, 1308, 1310,
        1311, 1314, 1315, 1316, 1317, 1321, 1324, 1325, 1329, 1330, 1333, 1334, 1339, 1342, 1345, 1346,
        1348, 1352, 1353, 1359, 1360, 1365, 1366, 1367, 1368, 1371, 1372, 1373, 1374, 1375, 1376, 1379,
        1380, 1381, 1382, 1383, 1386, 1387, 1389, 1391, 1392, 1393, 1394, 1395, 1396, 1397, 1399, 1400,
        1401, 1402, 1408, 1409, 1411, 1412, 1415, 1420, 1421, 1423, 1424, 1425, 1426, 1429, 1430, 1433,
        1435, 1436, 1442, 1443, 1444, 1447, 1449, 1450, 1451, 1452, 1453, 1454, 1456, 1457, 1458, 1459,
        1461, 1462, 1463, 1464, 1466, 1467, 1468, 1470, 1471, 1472, 1476, 1480, 1481, 1484, 1486, 1487,
        1488, 1489, 1490, 1493, 1495, 1496, 1498, 1500, 1501, 1502, 1503, 1505, 1506, 1507, 1509, 1510,
        1511, 1514, 1515, 1517, 1519, 1520, 1521, 1526, 1527, 1532, 1535, 1537, 1540, 1545, 1548, 1549,
        1550, 1555, 1556, 1559, 1560, 1563, 1568, 1569, 1572, 1575, 1576, 1580, 1584, 1588, 1589, 1590,
        1591, 1593, 1594, 1595, 1597, 1602, 1603, 1608, 1611, 1613, 1615, 1616, 1617, 1618, 1620, 1621,
        1622, 1624, 1625, 1626, 1627, 1628, 1630, 1632, 1634, 1637, 1638, 1639, 1641, 1643, 1645, 1646,
        1649, 1651, 1652, 1653, 1655, 1656, 1657, 1660, 1662, 1666, 1669, 1670, 1671, 1672, 1674, 1675,
        1676, 1680, 1683, 1685, 1688, 1689, 1690, 1692, 1693, 1696, 1699, 1700, 1703, 1704, 1705, 1708,
        1711, 1712, 1713, 1714, 1715, 1716, 1718, 1721, 1723, 1724, 1725, 1726, 1728, 1730, 1731, 1732,
        1733, 1735, 1737, 1738, 1739, 1743, 1746, 1747, 1749, 1753, 1756, 1767, 1769, 1771, 1774, 1775,
        1776, 1780, 1781, 1788, 1799, 1801, 1805, 1831,
    ])

    /// Reads a list in the starter's format: an optional `Index` header,
    /// then one class index per line (blank lines and spaces ignored).
    /// Anything else is an error naming the line, as is a class outside
    /// `0..<numClasses`.
    public static func read(path: String, numClasses: Int) throws -> SegmentClassList {
        let text = String(decoding: try readWholeFile(path), as: UTF8.self)
        var classes: [Int] = []
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || (index == 0 && line == "Index") { continue }
            guard let c = Int(line) else { throw SegmentClassListError(path: path, line: index + 1, problem: .notAnIndex(line)) }
            guard (0..<numClasses).contains(c) else {
                throw SegmentClassListError(path: path, line: index + 1, problem: .outOfRange(c, numClasses: numClasses))
            }
            classes.append(c)
        }
        guard !classes.isEmpty else { throw SegmentClassListError(path: path, line: 0, problem: .empty) }
        return SegmentClassList(classes)
    }
}

/// A malformed rated-class list: the file, the line (1-based, 0 for the whole file), what was wrong.
public struct SegmentClassListError: Error, Equatable, CustomStringConvertible {
    /// What was wrong with the list.
    public enum Problem: Equatable, Sendable {
        /// A line that is not a class index.
        case notAnIndex(String)
        /// A class outside the vocabulary.
        case outOfRange(Int, numClasses: Int)
        /// No class at all.
        case empty
    }

    /// The list file, as it was given to ``SegmentClassList/read(path:numClasses:)``.
    public var path: String
    /// The 1-based line of the problem; 0 when it concerns the whole file.
    public var line: Int
    /// What was wrong.
    public var problem: Problem

    /// The problem in words, naming what was wrong and where.
    public var description: String {
        let what: String
        switch problem {
        case .notAnIndex(let text): what = "\"\(text)\" is not a class index"
        case .outOfRange(let c, let n): what = "class \(c) is outside 0..<\(n)"
        case .empty: what = "lists no class"
        }
        return line > 0 ? "\(path):\(line): \(what)" : "\(path): \(what)"
    }
}
