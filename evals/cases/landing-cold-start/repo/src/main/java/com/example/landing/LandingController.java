package com.example.landing;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

@Controller
public class LandingController {
    private final SignupService signups;

    public LandingController(SignupService signups) {
        this.signups = signups;
    }

    @GetMapping("/")
    public String index(Model model) {
        model.addAttribute("campaign", "summer-2026");
        return "index";
    }

    @PostMapping("/signup")
    public String signup(@RequestParam String email) {
        signups.register(email);
        return "thanks";
    }
}
